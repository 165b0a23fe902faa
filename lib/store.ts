// Placeholder until the vector store lands; replaced by the real LanceDB accessor.
export async function getVectorStore(): Promise<{ deleteDocument(id: string): Promise<void> }> {
  throw new Error("vector store not wired yet");
}
