/** Ids that break stores which build SQL by hand, pad or fold strings, or cap their length. */
export function awkwardIds(prefix: string): readonly string[] {
  return [
    `${prefix}emoji 😀 👩‍👩‍👧 𝄞`,
    `${prefix}账户|一號-口座`,
    `${prefix}it's "quoted" \`backticked\``,
    `${prefix}back\\slash\\\\ and \\' and \\"`,
    `${prefix}percent % and under_score`,
    `${prefix} spaces  inside and at the end `,
    `${prefix}tab\tnewline\ncarriage\r`,
    `${prefix}Account|1/2?x=y#z:w;--`,
    `${prefix}e\u0301-combined`,
  ];
}
