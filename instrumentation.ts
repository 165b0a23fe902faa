// Next.js calls register() once as the server starts.
export async function register() {
  // Node only: the models are native addons.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { warmStart } = await import("./lib/warmStart");
  void warmStart();
}
