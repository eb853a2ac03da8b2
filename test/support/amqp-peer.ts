// A small AMQP 1.0 broker stand-in for wire-level tests of the Service Bus adapter: it speaks
// just enough of Service Bus (SASL, the `$cbs` put-token exchange, `$management` requests, a
// topic link with credit) for the real @azure/service-bus sender, and records what arrives.
import type { Server, Socket } from "node:net";
import rhea from "rhea";
import type { Connection, Delivery, EventContext, Message, Receiver, Sender } from "rhea";
import { z } from "zod";

/** The message format the SDK gives a batch: one AMQP message whose data sections are messages. */
export const batchMessageFormat = 0x80013700;

/** One message as it arrived on the topic link (inside a batch or alone). */
export interface WireMessage {
  messageId: unknown;
  subject: unknown;
  correlationId: unknown;
  contentType: unknown;
  applicationProperties: Record<string, unknown>;
  messageAnnotations: Record<string, unknown>;
  /** The bytes of the body's data section(s), concatenated. */
  body: Buffer;
  /** The decoded message, for anything the fields above do not cover. */
  raw: Record<string, unknown>;
}

/** One delivery (AMQP transfer) on the topic link and how the peer settled it. */
export interface TopicTransfer {
  format: number;
  linkName: string;
  messages: WireMessage[];
  outcome: "accepted" | "rejected";
}

/** A link the client opened, seen from the client: it sends to `address`, or receives from it. */
export interface OpenedLink {
  role: "sender" | "receiver";
  name: string;
  address: string | undefined;
}

export interface CbsRequest {
  operation: unknown;
  audience: unknown;
  tokenType: unknown;
  hasToken: boolean;
}

export interface ManagementRequest {
  address: string;
  operation: unknown;
}

export interface AmqpPeerOptions {
  /** The entity (topic) the peer accepts messages for; links to other addresses are refused. */
  topicName: string;
  /** Advertised on every link the peer attaches; the SDK sizes its batches by it. */
  maxMessageSize?: number;
}

export interface AmqpPeer {
  readonly host: string;
  readonly port: number;
  /** A connection string that makes the SDK talk plain AMQP (no TLS) to this peer. */
  readonly connectionString: string;
  readonly transfers: readonly TopicTransfer[];
  /** Every message that arrived on the topic link, batches unpacked, in order. */
  readonly messages: readonly WireMessage[];
  readonly links: readonly OpenedLink[];
  readonly cbsRequests: readonly CbsRequest[];
  readonly managementRequests: readonly ManagementRequest[];
  /** The SASL mechanism and user name each client connection chose. */
  readonly saslLogins: readonly { mechanism: string; username: string }[];
  readonly connectionsOpened: number;
  /** Errors raised inside the peer (its handlers, or AMQP errors nobody handled). */
  readonly errors: readonly unknown[];
  /** How topic deliveries are settled from now on. */
  disposition: { kind: "accept" } | { kind: "reject"; condition: string; description: string };
  /** Applies to links attached from now on. */
  maxMessageSize: number;
  close(): Promise<void>;
}

const bufferSchema = z.instanceof(Buffer);
const dataSectionSchema = z.object({
  typecode: z.literal(0x75),
  content: z.union([bufferSchema, z.array(bufferSchema)]),
});
const dictionarySchema = z.record(z.string(), z.unknown());
const messageFieldsSchema = z.looseObject({
  message_id: z.unknown().optional(),
  subject: z.unknown().optional(),
  correlation_id: z.unknown().optional(),
  content_type: z.unknown().optional(),
  reply_to: z.string().optional(),
  application_properties: dictionarySchema.optional(),
  message_annotations: dictionarySchema.optional(),
  body: z.unknown().optional(),
});

function dataSections(body: unknown): Buffer[] {
  const { content } = dataSectionSchema.parse(body);
  return Array.isArray(content) ? content : [content];
}

function toWireMessage(decoded: unknown): WireMessage {
  const fields = messageFieldsSchema.parse(decoded);
  return {
    messageId: fields.message_id,
    subject: fields.subject,
    correlationId: fields.correlation_id,
    contentType: fields.content_type,
    applicationProperties: fields.application_properties ?? {},
    messageAnnotations: fields.message_annotations ?? {},
    body: Buffer.concat(dataSections(fields.body)),
    raw: fields,
  };
}

/** A batch arrives as one encoded AMQP message whose data sections each hold an encoded message. */
function unpack(context: EventContext, delivery: Delivery): WireMessage[] {
  if (delivery.format === 0) {
    if (!context.message) throw new Error("A format-0 delivery without a message.");
    return [toWireMessage(context.message)];
  }
  if (delivery.format !== batchMessageFormat) {
    throw new Error(`Unexpected message format 0x${delivery.format.toString(16)}.`);
  }
  const envelope = rhea.message.decode(bufferSchema.parse(context.message));
  const { body } = messageFieldsSchema.parse(envelope);
  return dataSections(body).map((encoded) => toWireMessage(rhea.message.decode(encoded)));
}

export async function startAmqpPeer(options: AmqpPeerOptions): Promise<AmqpPeer> {
  const transfers: TopicTransfer[] = [];
  const links: OpenedLink[] = [];
  const cbsRequests: CbsRequest[] = [];
  const managementRequests: ManagementRequest[] = [];
  const saslLogins: { mechanism: string; username: string }[] = [];
  const errors: unknown[] = [];
  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  let connectionsOpened = 0;

  let disposition: AmqpPeer["disposition"] = { kind: "accept" };
  let maxMessageSize = options.maxMessageSize ?? 256 * 1024;

  const container = rhea.create_container({ id: "amqp-peer" });
  // Any credentials are accepted (nothing is secret here); which mechanism and user name the
  // client chose is recorded instead. rhea calls a factory per SASL exchange.
  class AcceptingMechanism {
    outcome: boolean | undefined;
    username: string | undefined;
    constructor(private readonly mechanism: string) {}
    start(response?: Buffer): void {
      // ANONYMOUS sends a trace string, PLAIN "authzid NUL user NUL password"; both start NUL.
      const fields = (response ?? Buffer.alloc(0)).toString("utf8").split("\0");
      this.username = fields[1] ?? "";
      this.outcome = true;
      saslLogins.push({ mechanism: this.mechanism, username: this.username });
    }
  }
  const accepting = (mechanism: string) => () => new AcceptingMechanism(mechanism);
  container.sasl_server_mechanisms = {
    ANONYMOUS: accepting("ANONYMOUS"),
    PLAIN: accepting("PLAIN"),
  };

  const addressOf = (terminus: { address?: string } | undefined): string | undefined =>
    terminus?.address;
  const isManagement = (address: string | undefined): address is string =>
    address !== undefined && address.endsWith("$management");
  const isKnown = (address: string | undefined): address is string =>
    address === options.topicName || address === "$cbs" || isManagement(address);

  /** Replies go back on the link the client opened to receive them, named by `reply_to`. */
  function reply(connection: Connection, request: Message, response: Message): void {
    const { reply_to: replyTo } = messageFieldsSchema.parse(request);
    const replyLink = connection.find_sender((s: Sender) => s.name === replyTo);
    if (!replyLink) throw new Error(`No reply link named ${String(replyTo)}.`);
    replyLink.send({ ...response, to: replyTo, correlation_id: request.message_id });
  }

  container.on("receiver_open", (context: EventContext) => {
    const receiver: Receiver | undefined = context.receiver;
    if (!receiver) return;
    const address = addressOf(receiver.target);
    links.push({ role: "sender", name: receiver.name, address });
    if (!isKnown(address)) {
      receiver.close({ condition: "amqp:not-found", description: `No entity ${address}.` });
      return;
    }
    receiver.set_target({ address });
  });

  container.on("sender_open", (context: EventContext) => {
    const sender: Sender | undefined = context.sender;
    if (!sender) return;
    const address = addressOf(sender.source);
    links.push({ role: "receiver", name: sender.name, address });
    if (address !== undefined) sender.set_source({ address });
  });

  function onMessage(context: EventContext, receiver: Receiver, delivery: Delivery): void {
    const { connection } = context;
    const address = addressOf(receiver.target);
    const request = context.message;

    if (address === "$cbs" && request) {
      const props = messageFieldsSchema.parse(request).application_properties ?? {};
      cbsRequests.push({
        operation: props["operation"],
        audience: props["name"],
        tokenType: props["type"],
        hasToken: typeof request.body === "string" && request.body.length > 0,
      });
      delivery.accept();
      reply(connection, request, {
        application_properties: { "status-code": 202, "status-description": "Accepted" },
        body: undefined,
      });
      return;
    }

    if (isManagement(address) && request) {
      const props = messageFieldsSchema.parse(request).application_properties ?? {};
      managementRequests.push({ address, operation: props["operation"] });
      delivery.accept();
      reply(connection, request, {
        application_properties: { statusCode: 200, statusDescription: "OK" },
        body: {},
      });
      return;
    }

    const messages = unpack(context, delivery);
    transfers.push({
      format: delivery.format,
      linkName: receiver.name,
      messages,
      outcome: disposition.kind === "accept" ? "accepted" : "rejected",
    });
    if (disposition.kind === "accept") delivery.accept();
    else
      delivery.reject({ condition: disposition.condition, description: disposition.description });
  }

  container.on("message", (context: EventContext) => {
    const { receiver, delivery } = context;
    if (!receiver || !delivery) return;
    try {
      onMessage(context, receiver, delivery);
    } catch (error) {
      // Refuse what the peer cannot read, so the client fails fast instead of waiting.
      errors.push(error);
      delivery.reject({ condition: "amqp:decode-error", description: String(error) });
    }
  });

  // Kept for the test to assert on: an error here is a peer bug or a protocol surprise.
  container.on("error", (error: unknown) => {
    errors.push(error);
  });
  container.on("disconnected", (context: EventContext) => {
    connections.delete(context.connection);
  });
  container.on("connection_open", (context: EventContext) => {
    connectionsOpened += 1;
    connections.add(context.connection);
  });

  const server: Server = container.listen({
    host: "127.0.0.1",
    port: 0,
    // Read by rhea for every link the client attaches (a getter, so a test can change the size
    // later). Deliveries are settled by hand; the window keeps the client supplied with credit.
    receiver_options: {
      autoaccept: false,
      credit_window: 100,
      get max_message_size() {
        return maxMessageSize;
      },
    },
    sender_options: {
      get max_message_size() {
        return maxMessageSize;
      },
    },
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { address: host, port } = z
    .object({ address: z.string(), port: z.number() })
    .parse(server.address());

  return {
    host,
    port,
    // The SDK takes the port from the endpoint; UseDevelopmentEmulator switches TLS off.
    connectionString: `Endpoint=sb://${host}:${port};SharedAccessKeyName=local;SharedAccessKey=secret;UseDevelopmentEmulator=true`,
    transfers,
    get messages() {
      return transfers.flatMap((t) => t.messages);
    },
    links,
    cbsRequests,
    managementRequests,
    saslLogins,
    errors,
    get connectionsOpened() {
      return connectionsOpened;
    },
    get disposition() {
      return disposition;
    },
    set disposition(value) {
      disposition = value;
    },
    get maxMessageSize() {
      return maxMessageSize;
    },
    set maxMessageSize(value) {
      maxMessageSize = value;
    },
    async close() {
      for (const connection of connections) connection.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients that did not answer the close in time must not keep the test process alive.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 200).unref();
      });
    },
  };
}
