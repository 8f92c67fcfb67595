import { invalidInput } from '../errors.js';
import { integerRange } from './input-kind.js';
import type { InputDefinition, RawInputs } from './types.js';

/**
 * Typed access to raw string inputs, with defaults from the definition and errors that name the input.
 * Empty strings count as absent: GitHub passes an unset input as ''. So does a value equal to the input's default:
 * GitHub fills action.yml's defaults into every run's inputs (and commander into the CLI's flags), so such a value
 * cannot tell "given" from "unset". An absent input falls back to the environment variables its definition names
 * (DATABASE_URL, DBOPS_PAGERDUTY_URL, ...), then to its default; the same on GitHub and on the command line.
 */
export class InputReader {
  private readonly byName: Map<string, InputDefinition>;

  constructor(
    definitions: InputDefinition[],
    private readonly raw: RawInputs,
    /** The environment that inputs fall back to, and that libpq's files are found through (PGSERVICE, PGPASSFILE). */
    readonly env: NodeJS.ProcessEnv = {},
  ) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  /** The value given for the input itself, ignoring environment fallbacks and defaults (its default is not given). */
  given(name: string): string | undefined {
    const value = this.raw[name]?.trim();
    return value !== undefined && value !== '' && value !== this.byName.get(name)?.default ? value : undefined;
  }

  /** Whether the action defines this input (shared readers serve actions with different input sets). */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  optional(name: string): string | undefined {
    const definition = this.byName.get(name);
    if (!definition) throw new Error(`Input '${name}' is not defined`);
    const value = this.given(name);
    if (value !== undefined) return value;
    for (const variable of definition.env ?? []) {
      const fromEnv = this.env[variable];
      if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
    }
    return definition.default;
  }

  required(name: string, validForm: string): string {
    const value = this.optional(name);
    if (value === undefined) throw invalidInput(name, 'is required', validForm);
    return value;
  }

  boolean(name: string): boolean {
    const value = (this.optional(name) ?? 'false').toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(value)) return true;
    if (['false', 'no', '0', 'off'].includes(value)) return false;
    throw invalidInput(name, `'${value}' is not a boolean`, 'true or false');
  }

  /** An integer input, within the bounds its definition declares. */
  integer(name: string): number | undefined {
    const definition = this.definition(name, 'integer');
    const value = this.optional(name);
    if (value === undefined) return undefined;
    // Number() would take '1e3', '0x10' and '' too.
    if (!/^-?\d+$/.test(value)) throw invalidInput(name, `'${value}' is not a whole number`, integerRange(definition));
    const n = Number(value);
    if (n < (definition.min ?? 0) || n > (definition.max ?? Number.MAX_SAFE_INTEGER)) {
      throw invalidInput(name, `'${value}' is out of range`, integerRange(definition));
    }
    return n;
  }

  /** An enum input: one of the values its definition declares, case-insensitive, as the definition spells it. */
  oneOf<T extends string>(name: string): T {
    const values = this.definition(name, 'enum').values ?? [];
    const value = this.optional(name) ?? '';
    const match = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (match === undefined) throw invalidInput(name, `has an unknown value '${value}'`, `one of ${values.join(', ')}`);
    return match as T;
  }

  private definition(name: string, kind: InputDefinition['type']): InputDefinition {
    const definition = this.byName.get(name);
    if (definition?.type !== kind) throw new Error(`Input '${name}' is not defined as ${kind}`);
    return definition;
  }

  /** Comma- or newline-separated values. */
  list(name: string): string[] {
    const value = this.optional(name);
    if (value === undefined) return [];
    return value
      .split(/[\n,]/)
      .map((v) => v.trim())
      .filter((v) => v !== '' && !v.startsWith('#'));
  }
}
