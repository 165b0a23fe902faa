import { ChatView } from "./components/ChatView";

export const dynamic = "force-dynamic";

export default function Home() {
  return <ChatView />;
}
