import { optionalPrincipal } from "@/lib/auth";
import { modelsOverview } from "@/lib/modelsOverview";
import { ModelsManager } from "../components/models/ModelsManager";

export const dynamic = "force-dynamic";

export default function ModelsPage() {
  // Outside a route() there may be no request principal (accounts on): the page's first fetch of /api/models corrects canManage.
  return <ModelsManager initial={modelsOverview(optionalPrincipal())} />;
}
