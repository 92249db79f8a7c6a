/** The time source of everything time-limited (sessions, links, TOTP, jobs); tests pass one they move. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
