/**
 * Waits for a condition the code under test makes true by itself (a push arriving, a reconnect).
 * The limit only keeps a broken build from hanging; nothing asserts how fast it happens.
 */
export async function until<T>(check: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
