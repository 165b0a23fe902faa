import { modelsOverview } from "@/lib/modelsOverview";
import { ModelsManager } from "../components/models/ModelsManager";

export const dynamic = "force-dynamic";

export default function ModelsPage() {
  return <ModelsManager initial={modelsOverview()} />;
}
