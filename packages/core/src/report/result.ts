/**
 * What an action's run shows a person, as data: the adapters render it (job summary, terminal, notification), so
 * nothing has to parse rendered Markdown back. Text is plain; code spans and emphasis are marked, never written as
 * Markdown, and each renderer escapes what its format needs.
 */
export type ResultStatus = 'ok' | 'warning' | 'critical' | 'failure' | 'unknown' | 'info';

/** A piece of text: plain, a code span (ids, keys, locations), strong, or a status shown as its icon. */
export type Inline = string | { code: string } | { strong: string } | { status: ResultStatus };
export type Text = Inline | readonly Inline[];

export type Block =
  /** Label and value pairs: the figures of a run. */
  | { kind: 'facts'; rows: ReadonlyArray<readonly [string, Text]> }
  | { kind: 'table'; columns: readonly string[]; rows: ReadonlyArray<readonly Text[]> }
  | { kind: 'note'; text: Text }
  | { kind: 'list'; items: readonly Text[] }
  /** A sub-heading inside a result. */
  | { kind: 'heading'; text: Text; status?: ResultStatus }
  /** A series over time; the job summary draws it, the terminal leaves it out (the figures are in a list). */
  | { kind: 'chart'; title: string; yLabel: string; points: ReadonlyArray<{ label: string; value: number }> }
  /** Blocks the job summary folds away; the terminal shows them unfolded. */
  | { kind: 'folded'; title: string; blocks: readonly Block[] };

export interface Result {
  status: ResultStatus;
  title: Text;
  /** One or two sentences for a notification under the title; without it, the notification has the title only. */
  text?: string;
  blocks: readonly Block[];
}

export const code = (text: string): Inline => ({ code: text });
export const strong = (text: string): Inline => ({ strong: text });

/** The text without its marks: for one-line uses such as a notification's title. */
export function plainText(text: Text): string {
  return inlines(text).map(plainInline).join('');
}

function plainInline(part: Inline): string {
  if (typeof part === 'string') return part;
  if ('code' in part) return part.code;
  if ('strong' in part) return part.strong;
  return statusIcon(part.status);
}

export function inlines(text: Text): readonly Inline[] {
  return Array.isArray(text) ? text : [text as Inline];
}

const ICONS: Record<ResultStatus, string> = {
  ok: '✅',
  warning: '⚠️',
  critical: '🔴',
  failure: '❌',
  unknown: '❔',
  info: '',
};

export function statusIcon(status: ResultStatus): string {
  return ICONS[status];
}

/** The worst of some statuses, for a run that shows several results. */
export function worstStatus(statuses: readonly ResultStatus[]): ResultStatus {
  const order: ResultStatus[] = ['failure', 'critical', 'unknown', 'warning', 'ok', 'info'];
  return order.find((s) => statuses.includes(s)) ?? 'info';
}
