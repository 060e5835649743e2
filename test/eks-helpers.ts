// Test helpers for stack eks: read EC2 user data the way cloud-init splits it, and what it asks the kernel for.
import { SYSCTL_HEREDOC } from "../lib/cloud/eks/user-data";

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** A small MIME multipart reader: enough to check the document the way cloud-init splits it. */
export function parseMultipart(text: string): { contentType: string; parts: MimePart[] } {
  const [head, ...rest] = text.split("\n\n");
  const contentType = /Content-Type: (.*)/.exec(head)?.[1] ?? "";
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  if (!boundary) throw new Error("no boundary");
  const body = rest.join("\n\n");
  const chunks = body.split(`--${boundary}`);
  const parts: MimePart[] = [];
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith("--")) break;
    const [partHead, ...partBody] = chunk.replace(/^\n/, "").split("\n\n");
    const headers: Record<string, string> = {};
    for (const line of partHead.split("\n")) {
      const i = line.indexOf(":");
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    parts.push({ headers, body: partBody.join("\n\n").replace(/\n+$/, "") });
  }
  return { contentType, parts };
}

/** The sysctls a shell part asks for: the lines of its quoted here-document. */
export function wantedSysctls(script: string): Map<string, string> {
  const start = script.indexOf(`<<'${SYSCTL_HEREDOC}'\n`);
  const end = script.indexOf(`\n${SYSCTL_HEREDOC}\n`, start);
  if (start < 0 || end < 0) throw new Error("no sysctl list");
  const lines = script.slice(script.indexOf("\n", start) + 1, end).split("\n");
  return new Map(lines.map((line) => [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)]));
}
