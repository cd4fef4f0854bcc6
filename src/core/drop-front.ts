/** Removing the consumed head of a FIFO array in place: splice would allocate an array of the removed items. */

/** Removes the first `n` items of `array` in place, without allocating. */
export function dropFront<T>(array: T[], n: number): void {
  // A plain loop: copyWithin takes V8's slow generic path and is several times slower here.
  const len = array.length;
  for (let i = n; i < len; i++) array[i - n] = array[i];
  array.length = len - n;
}
