/** The slice of autocannon's API the benchmark uses (no @types/autocannon installed). */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
  }
  interface Result {
    requests: { average: number; total: number };
    /** When the run started and finished (the elapsed time of an `amount` run). */
    start: Date;
    finish: Date;
    non2xx: number;
    errors: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
