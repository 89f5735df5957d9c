/**
 * @module observability/metrics
 * Prometheus metrics fed by platform events, rendered in the text exposition format for
 * `GET /metrics`: cold starts, instances by state, throttles, slot waits, and invocation
 * durations as a histogram.
 */
import type { EventBus } from '../events/event-bus.js';

const DURATION_BUCKETS_S = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 900];

type Labels = Readonly<Record<string, string>>;

const labelText = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
/** Series key: label values in insertion order (each metric always builds its labels in one order). Runs per invocation, so no JSON. */
const keyOf = (l: Labels) => {
  let k = '';
  for (const name in l) k += `${name}\u0000${l[name]}\u0001`;
  return k;
};

class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const k = keyOf(labels);
    const v = this.#values.get(k);
    if (v) v.value += by;
    else this.#values.set(k, { labels, value: by });
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const { labels, value } of this.#values.values()) out += `${this.name}${labelText(labels)} ${value}\n`;
    return out;
  }
}

class Histogram {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}
  observe(labels: Labels, value: number): void {
    const k = keyOf(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Cumulative buckets: every bound at or above the value counts it.
    for (let i = this.buckets.length - 1; i >= 0 && value <= this.buckets[i]!; i--) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => (out += `${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}\n`));
      out += `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${s.sum}\n${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

export interface InstanceCount {
  readonly accountId: string;
  readonly functionName: string;
  readonly state: string;
}

export interface Metrics {
  /** The exposition text; `instances` is read at scrape time. */
  render(instances: readonly InstanceCount[]): string;
}

export function createMetrics(events: EventBus): Metrics {
  const coldStarts = new Counter('openfc_cold_starts_total', 'Instances started (cold starts), by reason (invocation or provisioned).');
  const stopped = new Counter('openfc_instances_stopped_total', 'Instances stopped, by reason.');
  const throttles = new Counter('openfc_throttles_total', 'Invocations refused a slot after the bounded wait (ResourceThrottled or ResourceExhausted).');
  const waits = new Counter('openfc_slot_waits_total', 'Invocations that got a slot only after waiting for capacity.');
  const invocations = new Counter('openfc_invocations_total', 'Invocations completed, by error type (none for success).');
  const durations = new Histogram('openfc_invocation_duration_seconds', 'Time an invocation ran on its instance.', DURATION_BUCKETS_S);
  const fnLabels = (e: { accountId: string; functionName: string }) => ({ account_id: e.accountId, function_name: e.functionName });

  events.on('instance:started', (e) => coldStarts.inc({ ...fnLabels(e), reason: e.reason }));
  events.on('instance:stopped', (e) => stopped.inc({ ...fnLabels(e), reason: e.reason }));
  events.on('invocation:throttled', (e) => throttles.inc({ ...fnLabels(e), code: e.code }));
  events.on('invocation:waited', (e) => waits.inc({ ...fnLabels(e), outcome: e.outcome }));
  events.on('invocation:completed', (e) => {
    invocations.inc({ account_id: e.accountId, function_name: e.functionName, error_type: e.errorType ?? 'none' });
    durations.observe({ account_id: e.accountId, function_name: e.functionName }, e.durationMs / 1000);
  });

  return {
    render(instances) {
      const byState = new Map<string, { labels: Labels; n: number }>();
      for (const i of instances) {
        const labels = { account_id: i.accountId, function_name: i.functionName, state: i.state };
        const k = keyOf(labels);
        const cur = byState.get(k);
        if (cur) cur.n++;
        else byState.set(k, { labels, n: 1 });
      }
      let gauge = '# HELP openfc_instances Live instances, by state.\n# TYPE openfc_instances gauge\n';
      for (const { labels, n } of byState.values()) gauge += `openfc_instances${labelText(labels)} ${n}\n`;
      return [coldStarts, stopped, throttles, waits, invocations, durations].map((m) => m.render()).join('') + gauge;
    },
  };
}
