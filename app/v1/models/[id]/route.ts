import { getModel, v1Route } from "@/lib/openaiApi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = v1Route(async (_request, { params }) => Response.json(getModel((await params).id)));
