// `npm run token -- --tenant t --user evaluator-1 --roles QM.Evaluator[,QM.Archive]`: asks a
// running local host for a token (POST /api/dev/token) and prints it.
import { parseArgs } from "node:util";
import { z } from "zod";

const usage =
  "Usage: npm run token -- --tenant <tid> --user <oid> --roles QM.Evaluator[,QM.Archive] " +
  "[--name <display name>] [--url http://localhost:7071]";

const responseSchema = z.object({ token: z.string().min(1) });

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        tenant: { type: "string" },
        user: { type: "string" },
        roles: { type: "string", default: "" },
        name: { type: "string" },
        url: { type: "string", default: "http://localhost:7071" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (!values.tenant || !values.user) {
    console.error(usage);
    return 2;
  }
  const roles = values.roles
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const endpoint = `${values.url.replace(/\/+$/, "").replace(/\/api$/, "")}/api/dev/token`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        tenantId: values.tenant,
        userId: values.user,
        roles,
        ...(values.name ? { name: values.name } : {}),
      }),
    });
  } catch {
    console.error(`No local host answers at ${endpoint}; start it with \`npm start\`.`);
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    console.error(`${endpoint} answered ${response.status}: ${text}`);
    return 1;
  }
  const parsed = responseSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    console.error(`${endpoint} answered without a token: ${text}`);
    return 1;
  }
  console.log(parsed.data.token);
  return 0;
}

process.exitCode = await main();
