/**
 * The monitoring construct alone, in a bare scope (no TokentrailStack): an alarm per function
 * and per job state machine it is given, and the metric names it charts agree with what the
 * functions emit.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../../infra/catalog';
import { DEFAULT_ALARM_THRESHOLDS, Observability } from '../../../infra/constructs/observability';
import { METRICS_NAMESPACE } from '../../../shared/domain/metric-names';
import { functionFacts } from '../function-sources';
import { BareMonitoringScope } from './scopes';

type Resource = { Properties: Record<string, unknown> };

function synth(functionNames: string[], stateMachineNames: string[], thresholds = {}) {
  const scope = new BareMonitoringScope(functionNames, stateMachineNames);
  const observability = new Observability(scope, 'Observability', { thresholds });
  return { observability, template: Template.fromStack(scope) };
}

function alarmIds(template: Template): string[] {
  return Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
}

/** The dashboard body as text, tokens as JSON. */
function dashboardBody(template: Template): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

interface UsedMetric {
  name: string;
  /** The `service` dimension, when the widget or alarm names one (a SEARCH does not). */
  service?: string;
  where: string;
}

/** Every metric of our namespace the dashboard and the alarms read. */
function usedMetrics(template: Template): UsedMetric[] {
  const used: UsedMetric[] = [];
  const body = dashboardBody(template);
  const namespace = `"${METRICS_NAMESPACE}","`;
  for (const match of body.matchAll(/\["([^"]+)","(\w+)"((?:,"[^"]*","[^"]*")*)/g)) {
    if (`"${match[1]}","` !== namespace) continue;
    const service = /"service","([^"]+)"/.exec(match[3] ?? '')?.[1];
    used.push({ name: match[2]!, service, where: 'dashboard' });
  }
  for (const match of body.matchAll(/\{([^,}]+)[^}]*\} MetricName=\\"(\w+)\\"/g)) {
    if (match[1] === METRICS_NAMESPACE) used.push({ name: match[2]!, where: 'dashboard SEARCH' });
  }
  for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    const properties = alarm.Properties as {
      Metrics?: {
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
        };
      }[];
    };
    for (const metric of properties.Metrics ?? []) {
      const stat = metric.MetricStat?.Metric;
      if (stat?.Namespace !== METRICS_NAMESPACE) continue;
      const service = stat.Dimensions?.find((dimension) => dimension.Name === 'service')?.Value;
      used.push({ name: stat.MetricName, service: service as string | undefined, where: id });
    }
  }
  return used;
}

describe('Observability in a bare scope', () => {
  const names = FUNCTIONS.map((spec) => spec.name);
  const { template } = synth(names, ['rollup']);

  it('alarms on the error rate of every function of its scope', () => {
    for (const name of ['Ingest', 'BatchCreator', 'AnalysisAdmin'])
      expect(alarmIds(template).some((id) => id.startsWith(`Observability${name}ErrorRate`))).toBe(true);
  });

  it('alarms on failed or timed-out runs of each job state machine, none without one', () => {
    const two = synth(['ingest'], ['rollup', 'reprice']).template;
    expect(alarmIds(two).filter((id) => /ExecutionsFailed/.test(id))).toHaveLength(2);
    const none = synth(['ingest'], []).template;
    expect(alarmIds(none).filter((id) => /ExecutionsFailed/.test(id))).toEqual([]);
    expect(dashboardBody(none)).not.toContain('Job state machine runs');
    expect(dashboardBody(two)).toContain('Job state machine runs');
  });

  it('takes its thresholds from props, the defaults for the rest', () => {
    const { observability } = synth(['ingest'], [], { api5xxRatePercent: 2 });
    expect(observability.thresholds).toEqual({ ...DEFAULT_ALARM_THRESHOLDS, api5xxRatePercent: 2 });
  });

  it('reads only metrics that are emitted, under that name, by the function its service dimension names', () => {
    const used = usedMetrics(template);
    expect(used.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const metric of used) {
      const emitters = FUNCTIONS.filter(
        (spec) =>
          (metric.service === undefined || spec.name === metric.service) &&
          functionFacts(spec).metrics.has(metric.name),
      );
      if (emitters.length === 0)
        missing.push(`${metric.name} (service ${metric.service ?? 'any'}, ${metric.where})`);
    }
    expect(missing).toEqual([]);
  });

  it('has every function emit metrics through the shared names only', () => {
    expect(FUNCTIONS.flatMap((spec) => functionFacts(spec).literalMetrics)).toEqual([]);
  });
});
