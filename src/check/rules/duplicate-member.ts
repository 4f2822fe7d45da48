/** RK0702: the same attribute or block written twice in one body (the later one would win silently). */
import type { BodyNode } from '../../ast/nodes.ts';
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { Report } from '../../diagnostics/diagnostic.ts';
import type { FileRule } from '../rule.ts';

function checkBody(body: BodyNode, report: Report<'RK0702'>): void {
  const seen = new Map<string, { line: number }>();
  for (const member of body.members) {
    const key = member.type === 'block' && member.kind?.text === 'weak' ? `${member.name.text} weak` : member.name.text;
    const first = seen.get(key);
    if (first) {
      report(diagnostic('RK0702', `'${key}' is written twice in this block`, member.name.span,
        { notes: [`first written on line ${first.line}`] }));
    } else {
      seen.set(key, member.name.span);
    }
    if (member.type === 'block') checkBody(member.body, report);
  }
}

export const duplicateMember: FileRule<'RK0702'> = {
  code: 'RK0702',
  checkFile(file, report) {
    for (const experiment of file.experiments) checkBody(experiment.body, report);
  },
};
