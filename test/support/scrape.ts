/**
 * The value of the sample `series` in a Prometheus scrape (name and labels exactly as exposed,
 * labels in the order the metric declares them), or undefined when the scrape does not have it.
 */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
