import type { EducationRecord, Enrolment, SchoolStage } from '../../records';
import type { PopulationContext } from '../context';
import type { Family, Member } from '../family';
import { draws, hash32 } from '../random';

/** 学籍 records are held for persons born from this year on. */
const FIRST_RECORDED_BIRTH_YEAR = 1985;
const UNIVERSITIES = [
  '华夏理工学院',
  '东岳师范学院',
  '沧澜财经学院',
  '明远医科大学',
  '青禾科技大学',
  '云川大学',
];
const STAGES: [SchoolStage, string, number][] = [
  ['primary', '小学', 6],
  ['middle', '初中', 3],
  ['high', '高中', 3],
  ['university', '大学', 4],
];

/** 教育: the member's enrolments by age (高中 for ~80 %, 大学 for ~55 % of those). */
export function educationRecord(
  ctx: PopulationContext,
  family: Family,
  member: Member,
): EducationRecord | undefined {
  const birthYear = Number(member.birthDate.slice(0, 4));
  if (birthYear < FIRST_RECORDED_BIRTH_YEAR) return undefined;
  const d = draws(hash32(ctx.seed, member.index, 0xed));
  const continues = [true, true, d.chance(0.8), false];
  continues[3] = continues[2]! && d.chance(0.55);
  let year = birthYear + 6 + (member.birthDate.slice(5) > '08-31' ? 1 : 0);
  const enrolments: Enrolment[] = [];
  for (const [i, [stage, stageName, length]] of STAGES.entries()) {
    if (!continues[i]) break;
    const entryDate = `${year}-09-01`;
    if (entryDate > ctx.asOf) break;
    const graduation = `${year + length}-07-01`;
    const school = schoolOf(family, stage, d.int(1, 12), d.pick(UNIVERSITIES));
    enrolments.push({
      stage,
      stageName,
      ...school,
      entryDate,
      graduationDate: graduation <= ctx.asOf ? graduation : null,
      status: graduation <= ctx.asOf ? '毕业' : '在读',
    });
    year += length;
  }
  if (enrolments.length === 0) return undefined;
  return { idNumber: member.idNumber, name: member.name, enrolments };
}

function schoolOf(family: Family, stage: SchoolStage, n: number, university: string) {
  const code = `9${family.region.code}${String(n).padStart(2, '0')}`;
  const ordinal = '一二三四五六七八九十'[Math.min(n, 10) - 1];
  switch (stage) {
    case 'primary':
      return { schoolName: `${family.region.district}第${ordinal}实验小学`, schoolCode: `${code}1` };
    case 'middle':
      return { schoolName: `${family.region.district}第${ordinal}初级中学`, schoolCode: `${code}2` };
    case 'high':
      return { schoolName: `${family.region.district}第${ordinal}高级中学`, schoolCode: `${code}3` };
    default:
      return {
        schoolName: university,
        schoolCode: `9${String(UNIVERSITIES.indexOf(university)).padStart(9, '0')}`,
      };
  }
}
