// The part of autocannon's API the benchmark uses (the package ships no types).
declare module "autocannon" {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => void;
  }
  export interface Client {
    setRequests(requests: Request[]): void;
    on(event: "response", listener: (status: number) => void): void;
  }
  export interface Options {
    url: string;
    connections?: number;
    amount?: number;
    /** ms between samples; a run with an `amount` ends at the first sample after it is done. */
    sampleInt?: number;
    setupClient?: (client: Client) => void;
  }
  function autocannon(options: Options): Promise<unknown>;
  export default autocannon;
}
