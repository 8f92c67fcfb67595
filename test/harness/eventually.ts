/**
 * Polls `check` until it holds or `timeoutMs` passes, and says whether it held: for state that other processes
 * reach asynchronously (a server ending a session, a process exiting). Errors from `check` count as "not yet".
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
