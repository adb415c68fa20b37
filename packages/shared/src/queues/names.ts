/** The queues of the pipeline, in the order work flows through them. */
export const QueueName = {
  detect: 'detect',
  embed: 'embed',
  cluster: 'cluster',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);
