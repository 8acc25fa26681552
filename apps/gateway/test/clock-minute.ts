const MINUTE = 60_000;

const clockMinute = () => Math.floor(Date.now() / MINUTE);

/**
 * Per-key request and token windows are the clock's minutes: a scenario that
 * straddles a minute's turn sees a fresh window half-way. Runs `scenario`
 * (which must make its own keys) again when it failed and the minute turned
 * while it ran, instead of waiting for a fresh minute first: a wait does not
 * hold when a busy machine makes the scenario slower than planned.
 */
export async function inOneClockMinute<T>(scenario: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const minute = clockMinute();
    try {
      return await scenario();
    } catch (error) {
      if (attempt >= tries || clockMinute() === minute) throw error;
    }
  }
}
