// Is the Temporal service answering? With it down, the SDK keeps retrying a call for close to 20 s
// before it gives up, so a request that needs a workflow would hang that long and then fail with a 500.
// Instead, routes that need Temporal ask this monitor first: a probe with a short deadline (a health
// call costs about a millisecond when the service is up), a "down" answer reused for a couple of
// seconds so that a burst of requests costs one probe, and a fast 503 in Chinese when it is down. A call that still meets an unavailable service mid-request marks it down too.
import { isGrpcDeadlineError, type Connection } from '@temporalio/client';
import { temporalUnavailable } from './errors';

export interface TemporalProbe {
  ok: boolean;
  error?: string;
  /** When the answer was obtained (epoch ms). */
  at: number;
}

export interface TemporalStatus {
  /** The service's state: probed now unless a recent enough answer is known. */
  check(): Promise<TemporalProbe>;
  /** Throws a 503 problem when the service is down. */
  require(): Promise<void>;
  /** A call met an unavailable service: remember it until the next probe. */
  markDown(error: string): void;
  /**
   * Waits (at most `maxMs`) for the probes' own gRPC calls to end. A probe answers by its own timer, but
   * the call it left behind is retried by the SDK on a timer of its own, which throws (uncaught) once
   * the connection is closed: the runtime waits for them before closing it.
   */
  settled(maxMs: number): Promise<void>;
}

export interface TemporalStatusOptions {
  /** A probe waits this long for the service's answer. */
  probeTimeoutMs?: number;
  /** A "down" answer is reused this long (a burst of requests while down costs one probe). */
  downForMs?: number;
  /** An "up" answer is reused this long: short, so a service that just died is noticed at once. */
  upForMs?: number;
  now?: () => number;
}

export function temporalStatus(connection: Pick<Connection, 'withDeadline' | 'healthService'>, opts: TemporalStatusOptions = {}): TemporalStatus {
  const probeTimeoutMs = opts.probeTimeoutMs ?? 400;
  const downForMs = opts.downForMs ?? 2_000;
  const upForMs = opts.upForMs ?? 250;
  const now = opts.now ?? Date.now;
  let last: TemporalProbe | null = null;
  let inFlight: Promise<TemporalProbe> | null = null;
  /** The gRPC calls of probes, until each ends (answered, failed, or past its deadline). */
  const calls = new Set<Promise<unknown>>();

  async function probe(): Promise<TemporalProbe> {
    // The gRPC deadline alone is loose: measured against a stopped server, a 500 ms deadline answered
    // after 520–940 ms (the channel's reconnect backoff runs past it). Our own timer bounds the wait.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${probeTimeoutMs} ms 内无应答`)), probeTimeoutMs)));
    const call = connection.withDeadline(now() + probeTimeoutMs, () => connection.healthService.check({}));
    const tracked: Promise<void> = call.then(
      () => void calls.delete(tracked),
      () => void calls.delete(tracked),
    );
    calls.add(tracked);
    try {
      await Promise.race([call, late]);
      return (last = { ok: true, at: now() });
    } catch (e) {
      return (last = { ok: false, error: isGrpcDeadlineError(e) ? `${probeTimeoutMs} ms 内无应答` : (e as Error).message, at: now() });
    } finally {
      clearTimeout(timer);
    }
  }

  const check = (): Promise<TemporalProbe> => {
    if (last && now() - last.at < (last.ok ? upForMs : downForMs)) return Promise.resolve(last);
    return (inFlight ??= probe().finally(() => (inFlight = null)));
  };

  return {
    check,
    async require() {
      const p = await check();
      if (!p.ok) throw temporalUnavailable();
    },
    markDown(error) {
      last = { ok: false, error, at: now() };
    },
    async settled(maxMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, maxMs)));
      await Promise.race([Promise.all([...calls]), late]).finally(() => clearTimeout(timer));
    },
  };
}
