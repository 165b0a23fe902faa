"use client";
import { useCallback, useEffect, useState } from "react";
import type { ModelsOverview } from "@/lib/modelsOverview";

export async function modelsApi(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { cache: "no-store", ...init });
  if (res.status === 204) return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** The Models overview, refreshed often while a download runs and rarely otherwise. */
export function useModels(initial: ModelsOverview | null) {
  const [overview, setOverview] = useState<ModelsOverview | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      setOverview((await modelsApi("/api/models")) as ModelsOverview);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  const downloading = (overview?.downloads.some((d) => d.status === "downloading") || Boolean(overview?.vectors?.reembed)) ?? false;
  useEffect(() => {
    // Fetched at once even with server-rendered data: the API knows the caller (canManage).
    void refresh();
  }, [refresh]);
  useEffect(() => {
    const t = setInterval(refresh, downloading ? 700 : 10_000);
    return () => clearInterval(t);
  }, [downloading, refresh]);
  return { overview, error, refresh };
}

export function formatBytes(n: number | null): string {
  if (n === null) return "?";
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "time left unknown";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s left`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}
