"use client";
import { useEffect, useState } from "react";

export interface Me {
  accounts: boolean;
  user: { id: string; name: string; isAdmin: boolean } | null;
  collections: { id: string; name: string; role: "owner" | "editor" | "reader" }[];
  writable: string[];
}

/** The caller and the collections they may read (and write), from /api/auth/me. */
export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/api/auth/me", { cache: "no-store" })
      .then((r) => r.json())
      .then(
        (m: Me) => live && setMe(m),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, []);
  return me;
}
