// The local host's demo data: a tenant "demo" seeded through the HTTP API itself, as the UI
// would, so what a new user sees is what the service's own rules produced.
import type { Role } from "../shared/domain/access.js";
import { apiClient, type Reply } from "./api-client.js";
import { customerCareForm } from "./example-form.js";

export interface SeedPrincipal {
  tenantId: string;
  userId: string;
  name: string;
  roles: Role[];
}

export interface SeedOptions {
  /** The API base, e.g. `http://127.0.0.1:7071/api`. */
  baseUrl: string;
  /** A bearer token for this principal (the local issuer signs it). */
  token: (principal: SeedPrincipal) => Promise<string>;
  tenantId?: string;
  log?: (line: string) => void;
  /** "Now", for the due dates. */
  now?: Date;
}

export interface SeedResult {
  tenantId: string;
  /** false when the tenant already had the demo form, so nothing was added. */
  seeded: boolean;
  formId: string;
  sessions: Record<string, string>;
}

/** docs/api.md's example form. */
export const demoForm = customerCareForm;

const DAY = 24 * 60 * 60 * 1000;

export async function seedDemoData(options: SeedOptions): Promise<SeedResult> {
  const tenantId = options.tenantId ?? "demo";
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? new Date();
  const person = (userId: string, name: string, roles: Role[]): SeedPrincipal => ({
    tenantId,
    userId,
    name,
    roles,
  });
  const admin = person("admin-1", "Ada Admin", ["QM.Administrator"]);
  const evaluator1 = person("evaluator-1", "Eve Evaluator", ["QM.Evaluator"]);
  const evaluator2 = person("evaluator-2", "Evan Evaluator", ["QM.Evaluator"]);
  const tokens = new Map<SeedPrincipal, Promise<string>>();
  const tokenOf = (p: SeedPrincipal) => {
    let token = tokens.get(p);
    if (!token) tokens.set(p, (token = options.token(p)));
    return token;
  };

  const base = options.baseUrl.replace(/\/+$/, "");
  const send = apiClient(base, tokenOf);
  const idOf = (reply: Reply) => String(reply.json.id);

  const existing = await send(admin, "GET", "forms?limit=200");
  const forms = (existing.json.items ?? []) as { id: string; name: string }[];
  const already = forms.find((f) => f.name === demoForm.name);
  if (already) {
    log(`seed: tenant "${tenantId}" already has the demo form ${already.id}; nothing added`);
    return { tenantId, seeded: false, formId: already.id, sessions: {} };
  }

  const formId = idOf(await send(admin, "POST", "forms", demoForm));
  const calls: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const agentId = i % 2 === 1 ? "agent-1" : "agent-2";
    const reply = await send(admin, "POST", "interactions", {
      externalId: `demo-call-${String(i).padStart(3, "0")}`,
      agentId,
      agentName: agentId === "agent-1" ? "Alex Agent" : "Sam Agent",
      startedAt: new Date(now.getTime() - (10 - i) * DAY).toISOString(),
      durationSeconds: 180 + i * 45,
      channel: i === 6 ? "chat" : "voice",
    });
    calls.push(idOf(reply));
  }

  const inTwoWeeks = new Date(now.getTime() + 14 * DAY).toISOString();
  const yesterday = new Date(now.getTime() - DAY).toISOString();
  const session = (name: string, interactionId: string, extra: Record<string, unknown>) =>
    send(admin, "POST", "sessions", {
      name,
      type: "Distributed",
      formIds: [formId],
      evaluatorId: evaluator1.userId,
      dueDate: inTwoWeeks,
      interaction: { mode: "manual", interactionId },
      ...extra,
    });
  const answers = (a: Record<string, unknown>) => ({ answers: { [formId]: a } });

  const pending = await session("Week 48 – Pending", calls[0]!, {});

  const inProgress = await session("Week 48 – In progress", calls[1]!, {});
  await send(
    evaluator1,
    "PUT",
    `sessions/${idOf(inProgress)}/answers`,
    answers({ greet: { answerIds: ["yes"] }, verify: { na: true } }),
    inProgress.etag,
  );

  // docs/scoring.md example 1: greet Yes, verify N/A, resolved No → 40.
  const completed = await session("Week 48 – Completed", calls[2]!, {
    evaluatorId: evaluator2.userId,
  });
  const saved = await send(
    evaluator2,
    "PUT",
    `sessions/${idOf(completed)}/answers`,
    answers({
      greet: { answerIds: ["yes"] },
      verify: { na: true },
      resolved: { answerIds: ["no"] },
      notes: { text: "Friendly, but the refund was not processed." },
    }),
    completed.etag,
  );
  await send(
    evaluator2,
    "POST",
    `sessions/${idOf(completed)}/complete`,
    {
      notifyAgent: {
        dueDate: inTwoWeeks,
        summary: "Please review how the refund should have been handled.",
        showScore: true,
      },
    },
    saved.etag,
  );

  const shared = await session("Shared pool", calls[3]!, {
    type: "Shared",
    evaluatorId: undefined,
  });
  const expired = await session("Week 46 – Expired", calls[4]!, { dueDate: yesterday });
  const archived = await session("Week 45 – Archived", calls[5]!, {
    evaluatorId: evaluator2.userId,
    dueDate: yesterday,
  });
  await send(admin, "POST", "sessions/archive", { ids: [idOf(archived)] });

  const sessions = {
    Pending: idOf(pending),
    InProgress: idOf(inProgress),
    Completed: idOf(completed),
    Unassigned: idOf(shared),
    Expired: idOf(expired),
    Archived: idOf(archived),
  };
  log(
    [
      `seed: tenant "${tenantId}": form "${demoForm.name}" ${formId}, 6 interactions (agent-1, agent-2), sessions:`,
      ...Object.entries(sessions).map(([state, id]) => `  ${state.padEnd(11)} ${id}`),
      "seed: users admin-1 (Administrator), evaluator-1 and evaluator-2 (Evaluators), agent-1 and agent-2 (Agents). Try:",
      `  TOKEN=$(curl -s -X POST ${base}/dev/token -H 'Content-Type: application/json' -d '{"tenantId":"${tenantId}","userId":"admin-1","roles":["QM.Administrator"]}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
      `  curl -H "Authorization: Bearer $TOKEN" ${base}/sessions`,
    ].join("\n"),
  );
  return { tenantId, seeded: true, formId, sessions };
}

/** Seeds, but never fails the caller: a broken seed must not stop the local host. */
export async function seedDemoDataSafely(options: SeedOptions): Promise<SeedResult | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  try {
    return await seedDemoData(options);
  } catch (error) {
    log(
      `seed: demo data not (fully) seeded, the host keeps running: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
