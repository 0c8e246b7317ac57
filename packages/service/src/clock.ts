/** Time as the service sees it: injected everywhere (tests pin it), read by storage and service alike. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
