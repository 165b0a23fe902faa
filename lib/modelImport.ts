import { rm } from "node:fs/promises";
import { config } from "@/core/config";
import { CairnError, isCairnError } from "@/core/errors";
import type { ImportResult } from "@/models/importModel";
import type { ModelRole } from "@/models/types";
import { assertCanManageModels, type Principal } from "./auth";
import { receiveUpload } from "./upload";

/**
 * "Import a .gguf file" from the browser: the upload streams to a temp file (one file, at most
 * CAIRN_MAX_MODEL_UPLOAD_MB), then goes through exactly the checks of `npm run models -- import`.
 */
export async function importUploadedModel(
  principal: Principal,
  request: Request,
  opts: { name?: string; role?: ModelRole } = {},
): Promise<ImportResult> {
  assertCanManageModels(principal);
  const cfg = config();
  const [file] = await receiveUpload(request, { maxBytes: cfg.maxModelUploadBytes, maxFiles: 1, limitSetting: "CAIRN_MAX_MODEL_UPLOAD_MB" });
  try {
    if (!/\.gguf$/i.test(file.name)) {
      throw new CairnError("bad_request:model", `"${file.name}" is not a .gguf file; Cairn imports models in GGUF format only.`, { reason: "not_gguf" });
    }
    // Loaded on demand: it pulls in node-llama-cpp's GGUF reader.
    const { importModel, nameFromFile } = await import("@/models/importModel");
    return await importModel(file.tempPath, { name: opts.name ?? nameFromFile(file.name), role: opts.role, importedFrom: `upload: ${file.name}` });
  } catch (e) {
    // The checks name the temp file; the person uploaded a file with a name of their own.
    if (isCairnError(e) && e.message.includes(file.tempPath)) {
      throw new CairnError(e.code, e.message.split(file.tempPath).join(`"${file.name}"`), { reason: e.reason, cause: e });
    }
    throw e;
  } finally {
    await rm(file.tempPath, { force: true });
  }
}
