// The subset of autocannon's API the benchmarks use (the package ships no types, and @types/autocannon would be
// one more dependency for three fields).
declare module 'autocannon' {
  interface Histogram {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
  }
  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly non2xx: number;
    readonly errors: number;
  }
  interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly duration?: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
