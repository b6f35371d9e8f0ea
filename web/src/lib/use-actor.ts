// 操作人: typed once, remembered on this computer, and offered on every form that records who acted.
// Until the official types a name, the server's default actor (e.g. 市人社局) is used.
import { useCallback, useState } from 'react';
import { useAppConfig } from './app-config';

const STORAGE_KEY = 'console.actor';

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function useActor(): [string, (actor: string) => void] {
  const config = useAppConfig();
  const [typed, setTyped] = useState<string | null>(stored);
  const setActor = useCallback((actor: string) => {
    setTyped(actor);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, actor);
    } catch {
      // Not remembered; still used on this page.
    }
  }, []);
  return [typed ?? config.data?.defaultActor ?? '', setActor];
}
