import { invalidInput } from './errors.js';

/** How to write special characters of a user name or password in a URL. */
export const PERCENT_ENCODING =
  'percent-encode special characters of the user name and password: @ → %40, # → %23, / → %2F, ? → %3F, : → %3A, % → %25';

export interface AuthorityRules {
  /** The valid form, for the hint. */
  form: string;
  /** Whether the path may hold '@' (webhook URLs do: Teams puts one in its path). */
  atInPath?: boolean;
  /**
   * Whether the user name and password may hold an unencoded '@', the last '@' ending them (SMTP user names are
   * e-mail addresses, and WHATWG URLs, which nodemailer gets, read them so). libpq ends them at the first '@'.
   */
  atInUserinfo?: boolean;
}

/**
 * Checks the authority of a URL (scheme://user:password@host:port) before a URL parser sees it. An unencoded '@',
 * '/', '?' or '#' in a password cuts it or moves part of it into the host, where a DNS error prints it and masking
 * cannot catch it; and parsers then blame the wrong part (a port out of range as "cannot parse; encode your
 * password"). Errors name the part at fault and never echo any part of the value: it may hold a password.
 */
export function checkUrlAuthority(url: string, input: string, rules: AuthorityRules): void {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const after = end === -1 ? '' : rest.slice(end);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hint = `${rules.form}; ${PERCENT_ENCODING}`;

  if (!rules.atInPath && after.includes('@')) {
    throw invalidInput(
      input,
      "has an '@' after its host part: an unencoded '/', '?' or '#' in the user name or password ends the host part early",
      hint,
    );
  }
  if (userinfo !== undefined) {
    if (!rules.atInUserinfo && userinfo.includes('@')) {
      throw invalidInput(
        input,
        "has more than one '@' before its host: an '@' in the user name or password must be percent-encoded",
        hint,
      );
    }
    if (/%(?![0-9A-Fa-f]{2})/.test(userinfo) || !decodes(userinfo)) {
      throw invalidInput(
        input,
        "has a '%' in its user name or password that does not start a percent-encoded character",
        hint,
      );
    }
  }

  const hostPort = authority.slice(at + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)?.[1];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port))
      throw invalidInput(
        input,
        'has a port that is not a number',
        `${rules.form}; the port is a number from 1 to 65535`,
      );
    if (Number(port) < 1 || Number(port) > 65535)
      throw invalidInput(input, 'has a port out of range', `${rules.form}; the port is a number from 1 to 65535`);
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
