/**
 * Masked forms of personal data for staff screens: enough to tell two customers apart on the phone
 * ("the address starting with j at an e… .com domain"), not enough to read the data off the screen.
 * Each keeps at most one leading character per part and never the length (a fixed run of dots).
 */

const dots = '•••';

/** The first character (a whole code point, so an accented letter or emoji stays whole) and dots. */
function maskWord(word: string): string {
  const [first] = [...word];
  return first === undefined ? '' : `${first}${dots}`;
}

/** `jane.smith@example.co.uk` → `j•••@e•••.uk`: the first letter of the mailbox and the domain, and the top-level domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return maskWord(email);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${maskWord(email.slice(0, at))}@${maskWord(dot > 0 ? domain.slice(0, dot) : domain)}${tld}`;
}

/** `Jane van Smith` → `J••• v••• S•••`: initials only. */
export function maskName(name: string): string {
  return name
    .split(/\s+/u)
    .filter((w) => w !== '')
    .map(maskWord)
    .join(' ');
}

/** `+44 7700 900982` → `••• 82`: the last two digits, as a call centre reads them back. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${dots} ${digits.slice(-2)}`;
}

/** `SW1A 2AA` → `SW•••`: the first two characters, which name a region, not a street. */
export function maskPostalCode(postalCode: string): string {
  return `${[...postalCode].slice(0, 2).join('')}${dots}`;
}

/** The mask of a free-text line (a street): nothing of it is shown. */
export const maskedLine = dots;
