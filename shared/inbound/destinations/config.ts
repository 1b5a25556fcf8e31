/**
 * A source's `destinations`: the user's own AWS services that receive each of its verified
 * events (an EventBridge bus, an SQS queue, an SNS topic, a Lambda function), named by ARN so the
 * stack can grant exactly the one action on exactly that resource. A destination in another
 * account is reached through `roleArn`, a role there that the processor assumes.
 *
 * Part of the config schema (shared/config/schema.ts); delivered by the processor
 * (shared/inbound/destinations/deliver.ts).
 */
import * as z from 'zod';

/** The key a destination is marked under on the event's record, and named by in dead letters. */
export const DESTINATION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const partition = '(aws|aws-cn|aws-us-gov)';
const region = '[a-z]{2}(-[a-z]+)+-\\d';
const account = '\\d{12}';

const arn = (service: string, resource: string, example: string) =>
  z.string().regex(new RegExp(`^arn:${partition}:${service}:${region}:${account}:${resource}$`), `an ARN such as ${example}`);

const roleArn = z
  .string()
  .regex(new RegExp(`^arn:${partition}:iam::${account}:role/[\\w+=,.@/-]{1,512}$`), 'an IAM role ARN such as arn:aws:iam::123456789012:role/webhooks-delivery')
  .optional();

const common = {
  /** Defaults to the type and the resource's name (`sqs-orders`); unique within the source. */
  name: z.string().regex(DESTINATION_NAME, 'letters, digits, "-" or "_" (max 64)').optional(),
  /** A role (usually in another account) the processor assumes to reach the destination. */
  roleArn,
};

export const destinationSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...common,
    type: z.literal('eventBridge'),
    eventBusArn: arn('events', 'event-bus/[A-Za-z0-9._\\-/]{1,256}', 'arn:aws:events:eu-west-1:123456789012:event-bus/orders'),
  }),
  z.strictObject({
    ...common,
    type: z.literal('sqs'),
    /** A FIFO queue (`.fifo`) gets the event id as deduplication id and the source as message group. */
    queueArn: arn('sqs', '[A-Za-z0-9_-]{1,80}(\\.fifo)?', 'arn:aws:sqs:eu-west-1:123456789012:orders'),
  }),
  z.strictObject({
    ...common,
    type: z.literal('sns'),
    topicArn: arn('sns', '[A-Za-z0-9_-]{1,256}(\\.fifo)?', 'arn:aws:sns:eu-west-1:123456789012:orders'),
  }),
  z.strictObject({
    ...common,
    type: z.literal('lambda'),
    /** Invoked asynchronously (`InvocationType: Event`); Lambda's own retries and destinations take over from there. */
    functionArn: arn('lambda', 'function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?', 'arn:aws:lambda:eu-west-1:123456789012:function:on-order'),
    /**
     * The local runtime only: a module (path relative to the working directory) whose exported
     * `handler` is run in-process instead of invoking the function. Ignored in AWS.
     */
    localModule: z.string().min(1).optional(),
  }),
]);

export type DestinationInput = z.infer<typeof destinationSchema>;

/** A destination with its name settled and its resource parsed out of the ARN. */
export type Destination = DestinationInput & {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  /** The resource's own name (bus, queue, topic, function). */
  readonly resourceName: string;
};

export const destinationsSchema = z
  .array(destinationSchema)
  .min(1)
  .max(10)
  .superRefine((destinations, ctx) => {
    const seen = new Set<string>();
    destinations.forEach((destination, index) => {
      const name = resolveDestination(destination).name;
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate destination name "${name}": name one of them` });
      seen.add(name);
    });
  });

/** The ARN a destination names. */
export function destinationArn(destination: DestinationInput): string {
  switch (destination.type) {
    case 'eventBridge':
      return destination.eventBusArn;
    case 'sqs':
      return destination.queueArn;
    case 'sns':
      return destination.topicArn;
    case 'lambda':
      return destination.functionArn;
  }
}

/** Settles a destination's name and splits its ARN (`arn:partition:service:region:account:resource`). */
export function resolveDestination(destination: DestinationInput): Destination {
  const arn = destinationArn(destination);
  const [, , , region = '', account = '', ...rest] = arn.split(':');
  const resource = rest.join(':');
  const resourceName =
    destination.type === 'eventBridge' ? resource.slice('event-bus/'.length) : destination.type === 'lambda' ? resource.split(':')[1]! : resource;
  const fallback = `${destination.type}-${resourceName.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 64);
  return { ...destination, name: destination.name ?? fallback, arn, region, account, resourceName };
}

/** The queue URL of an SQS queue ARN (SQS addresses a queue by URL). */
export function queueUrlOf(destination: Destination): string {
  const domain = destination.arn.startsWith('arn:aws-cn:') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${destination.region}.${domain}/${destination.account}/${destination.resourceName}`;
}

/** Destinations added by source (the construct's `destinations`, as the processor's environment carries them). */
export const addedDestinationsSchema = z.record(z.string(), destinationsSchema);
