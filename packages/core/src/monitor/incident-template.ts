// The one-line texts of incidents, overridable from a small YAML file with {{placeholders}}. Checked when read: a
// misspelt key or placeholder is an input error before the database is touched, never a page that says "{{titel}}".
import { invalidInput } from '../errors.js';
import { readInputFile } from '../files/read-input-file.js';

const INPUT = 'alert-template';

/** What a template may say: each placeholder's meaning, for the docs and the error that lists them. */
export const TEMPLATE_PLACEHOLDERS = [
  'name',
  'database',
  'host',
  'check',
  'title',
  'severity',
  'count',
  'findings',
  'subjects',
  'status',
  'link',
] as const;
export type TemplateValues = Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>;

export interface IncidentTemplate {
  /** Trigger, update and escalation: PagerDuty's summary, Opsgenie's message. */
  summary: string;
  /** Resolve: Opsgenie's close note. */
  resolved: string;
}

export const DEFAULT_TEMPLATE: IncidentTemplate = {
  summary: '{{title}} on {{name}}: {{findings}} ({{subjects}})',
  resolved: '{{title}} on {{name}}: cleared',
};

const FORM = `a YAML file with summary: and/or resolved: texts, whose {{placeholders}} are ${TEMPLATE_PLACEHOLDERS.join(', ')}; e.g. summary: "[{{severity}}] {{title}} on {{name}}: {{subjects}}"`;

export async function readIncidentTemplate(path: string): Promise<IncidentTemplate> {
  return parseIncidentTemplate(await readInputFile(path, INPUT, FORM), path);
}

/** Parses and checks a template file; keys left out keep their default. */
export async function parseIncidentTemplate(text: string, source: string): Promise<IncidentTemplate> {
  const fail = (problem: string) => invalidInput(INPUT, `file ${source}: ${problem}`, FORM);
  const { parse: parseYaml } = await import('yaml'); // on use, as in thresholds.ts
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw fail(`is not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw fail('is not a mapping of texts');
  const template = { ...DEFAULT_TEMPLATE };
  for (const [key, value] of Object.entries(doc)) {
    if (key !== 'summary' && key !== 'resolved') throw fail(`has an unknown key '${key}'`);
    if (typeof value !== 'string' || value.trim() === '') throw fail(`${key} is not a text`);
    for (const [, name] of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g))
      if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name!))
        throw fail(`${key} has an unknown placeholder {{${name}}}`);
    template[key] = value;
  }
  return template;
}

/** Fills in the placeholders; the result is one line. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text
    .replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => values[name as keyof TemplateValues] ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
