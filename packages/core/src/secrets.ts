import { escapeMarkdownText } from './report/markdown-text.js';

/**
 * The secret register (docs/architecture.md invariant 5). Every secret an operation receives is added here together with
 * the forms it can take on its way out (URL-encoded, base64); adapters mask them (GitHub) or redact them (CLI),
 * and errors are redacted before they are shown.
 */
export class Secrets {
  private readonly values = new Set<string>();
  private readonly listeners: Array<(value: string) => void> = [];

  add(secret: string | undefined): void {
    if (!secret) return;
    for (const form of derivedForms(secret)) {
      if (form.length < 3 || this.values.has(form)) continue;
      this.values.add(form);
      for (const listener of this.listeners) listener(form);
    }
  }

  /** Called for every registered form, including those registered before the listener. */
  onAdd(listener: (value: string) => void): void {
    this.listeners.push(listener);
    for (const value of this.values) listener(value);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      out = out.split(value).join('***');
    }
    return out;
  }

  has(text: string): boolean {
    for (const value of this.values) if (text.includes(value)) return true;
    return false;
  }
}

function derivedForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // not URL-encoded: nothing more to add
  }
  // A connection URL's password can leak on its own, e.g. echoed by the error for a value typed into the wrong
  // input, before anything has parsed the URL: register it with the URL.
  const password = urlPassword(secret);
  if (password) for (const form of derivedForms(password)) forms.add(form);
  // The job summary escapes text before the adapter redacts it: a secret holding `&`, `<` or `|` shows escaped.
  for (const form of [...forms]) {
    forms.add(escapeMarkdownText(form));
    forms.add(escapeMarkdownText(form, true));
  }
  return [...forms];
}

function urlPassword(text: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:[^/?#]*@/i.test(text)) return undefined;
  try {
    return new URL(text).password || undefined;
  } catch {
    return undefined; // not a URL after all (an unencoded special character): the operation registers its parse
  }
}
