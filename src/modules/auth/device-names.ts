/**
 * The name a signed-in device goes by in the account's session list: the browser and the system, from
 * the User-Agent header through bowser (a maintained parser, not home-made patterns). Only the label is
 * stored, never the raw header, and nothing about place: the request carries no trustworthy location,
 * and an IP-based guess would be personal data for little use.
 */
import Bowser from 'bowser';

const unknown = 'Unknown browser';
const maxLength = 100;

/** "Firefox on Linux", "Safari on iOS", "Chrome on Android"; "Unknown browser" when the header says nothing usable. */
export function describeDevice(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === '') return unknown;
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(userAgent.slice(0, 1024));
  } catch {
    return unknown;
  }
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  const label = browser && os ? `${browser} on ${os}` : browser ? browser : os ? `A browser on ${os}` : unknown;
  return label.slice(0, maxLength);
}
