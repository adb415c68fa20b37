/** The queues of the pipeline, in the order work flows through them. */
export const QueueName = {
  detect: 'detect',
  embed: 'embed',
  cluster: 'cluster',
  /** Runs once per video run after clustering succeeded or anything failed: records the outcome. */
  finalize: 'finalize',
  /** Signed completion/failure callbacks to the caller's URL, retried with backoff. */
  callbacks: 'callbacks',
  /** Regroups a tenant's entities into identities across its videos (one debounced job per tenant). */
  identities: 'identities',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);
