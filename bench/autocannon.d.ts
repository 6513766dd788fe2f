/** The slice of autocannon's API bench/api-load.ts uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram { average: number; mean: number; p50: number; p90: number; p99: number; max: number; min: number; total: number }
  interface Result { requests: Histogram & { sent: number }; latency: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number; duration: number; '2xx': number }
  interface Options { url: string; connections?: number; duration?: number; amount?: number; pipelining?: number; workers?: number; requests?: Array<{ method?: string; path: string; setupRequest?: (req: { method?: string; path: string }) => { method?: string; path: string } }> }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
