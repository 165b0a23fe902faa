// npm run admin -- create <name> | add-user <name> | passwd <name> | list | collection <id> <name> | grant <user> <collection> <role|none> | check-listen
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { config } from "@/core/config";
import { isCairnError } from "@/core/errors";
import { allUsers, assertSafeToListen, createCollection, createUser, grantMembership, resetPassword, userByName } from "./accounts";

const HELP = `Usage: npm run admin -- <command>

Commands:
  create <name>                          Create an administrator (asks for the password).
  add-user <name>                        Create a user without admin rights.
  passwd <name>                          Set a user's password (ends their sessions).
  list                                   Users and whether they are admins.
  collection <id> <name>                 Create a collection.
  grant <user> <collection> <role>       Role: owner, editor, reader, or none to remove.
  check-listen                           Exit 1 unless CAIRN_HOST is safe to listen on (used by npm start).

The password is read from the terminal, or from stdin when it is not a terminal
(first line; e.g. printf '%s\\n' "$PW" | npm run admin -- create alice).`;

class UsageError extends Error {}

async function readPassword(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    // Echo nothing of the password itself.
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    out._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stdout.write(prompt);
    };
  }
  const line = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  if (process.stdin.isTTY) process.stdout.write("\n");
  return line.replace(/\r?\n$/, "");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { help: { type: "boolean", short: "h" } } });
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case "create":
    case "add-user": {
      if (rest.length !== 1) throw new UsageError(`${command} needs exactly one user name`);
      const password = await readPassword(`Password for ${rest[0]}: `);
      const user = await createUser({ name: rest[0], password, isAdmin: command === "create" }, null);
      console.log(`Created ${user.isAdmin ? "administrator" : "user"} ${user.name} (${user.id}).`);
      return 0;
    }
    case "passwd": {
      if (rest.length !== 1) throw new UsageError("passwd needs exactly one user name");
      await resetPassword(rest[0], await readPassword(`New password for ${rest[0]}: `));
      console.log(`Password changed for ${rest[0]}; their sessions were ended.`);
      return 0;
    }
    case "list":
      for (const u of allUsers()) console.log(`${u.name}\t${u.isAdmin ? "admin" : "user"}${u.disabled ? "\tdisabled" : ""}`);
      return 0;
    case "collection": {
      if (rest.length !== 2) throw new UsageError("collection needs an id and a name");
      createCollection(null, { id: rest[0], name: rest[1] });
      console.log(`Created collection ${rest[0]}.`);
      return 0;
    }
    case "grant": {
      if (rest.length !== 3) throw new UsageError("grant needs a user name, a collection id and a role");
      const [name, collection, role] = rest;
      if (!["owner", "editor", "reader", "none"].includes(role)) throw new UsageError(`role must be owner, editor, reader or none, not "${role}"`);
      const user = userByName(name);
      if (!user) throw new UsageError(`no user named "${name}"`);
      grantMembership(null, collection, user.id, role === "none" ? null : (role as "owner" | "editor" | "reader"));
      console.log(role === "none" ? `Removed ${name} from ${collection}.` : `${name} is now ${role} of ${collection}.`);
      return 0;
    }
    case "check-listen":
      assertSafeToListen(config().host);
      return 0;
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "missing command");
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n\n${HELP}`);
    else if (isCairnError(e)) console.error(`✖ ${e.userMessage}`);
    else console.error(e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
