import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/core/config";
import { CairnError } from "@/core/errors";

const cfg = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv);

describe("CAIRN_LANCEDB_URI and CAIRN_S3_*", () => {
  it("defaults to <data dir>/lancedb with no storage options", () => {
    const c = cfg({ CAIRN_DATA_DIR: "/tmp/h13s3-cfg" });
    expect(c.lancedbUri).toBe(path.join("/tmp/h13s3-cfg", "lancedb"));
    expect(c.lancedbStorageOptions).toEqual({});
  });

  it("takes an s3:// URI as given (trailing slash dropped) and a folder resolved to an absolute path", () => {
    expect(cfg({ CAIRN_LANCEDB_URI: "s3://bucket/lib/" }).lancedbUri).toBe("s3://bucket/lib");
    expect(cfg({ CAIRN_LANCEDB_URI: "vectors" }).lancedbUri).toBe(path.resolve("vectors"));
  });

  it("maps the S3 settings to LanceDB's storage options; a plain-http endpoint allows http", () => {
    const c = cfg({
      CAIRN_LANCEDB_URI: "s3://bucket/lib",
      CAIRN_S3_ENDPOINT: "http://127.0.0.1:9000/",
      CAIRN_S3_REGION: "eu-west-1",
      CAIRN_S3_ACCESS_KEY_ID: "AKID",
      CAIRN_S3_SECRET_ACCESS_KEY: "s3cr3t",
    });
    expect(c.lancedbStorageOptions).toEqual({ endpoint: "http://127.0.0.1:9000", allow_http: "true", region: "eu-west-1", access_key_id: "AKID", secret_access_key: "s3cr3t" });
    expect(cfg({ CAIRN_S3_ENDPOINT: "https://minio.internal" }).lancedbStorageOptions).toEqual({ endpoint: "https://minio.internal" });
  });

  it("refuses an endpoint that is not a URL and an empty URI, naming the setting", () => {
    expect(() => cfg({ CAIRN_S3_ENDPOINT: "minio.internal:9000" })).toThrow(/CAIRN_S3_ENDPOINT/);
    expect(() => cfg({ CAIRN_LANCEDB_URI: "" })).toThrow(CairnError);
  });
});
