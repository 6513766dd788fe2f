/**
 * Until the first SIGINT or SIGTERM: the handlers are in place from the call on — call it before printing that the
 * process is ready, since whoever waits for that may signal at once — and both are removed when one fires.
 */
export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
