import { invalidInput } from '../errors.js';
import { checkUrlAuthority } from '../url-authority.js';

/**
 * An http(s) URL a request can be sent to (a webhook, an S3 endpoint), checked before the run. Never echoed: a
 * webhook's URL carries its token.
 */
export function httpUrl(
  text: string,
  input: string,
  form = 'the webhook URL as the service shows it, e.g. https://hooks.slack.com/services/T000/B000/XXXX',
): string {
  if (!/^https?:\/\//i.test(text)) throw invalidInput(input, 'is not an http(s) URL', form);
  // Webhook paths may hold '@' (Teams puts one there).
  checkUrlAuthority(text, input, { form, atInPath: true, atInUserinfo: true });
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url?.hostname) throw invalidInput(input, 'is not an http(s) URL', form);
  if (url.username || url.password) {
    throw invalidInput(
      input,
      'has a user name or password in it (user:password@), which requests cannot send',
      `${form}, without user:password@; a token goes in its path or query, as the service documents`,
    );
  }
  return text;
}
