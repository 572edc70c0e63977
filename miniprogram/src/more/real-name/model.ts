import { validIdNumber } from '../../lib/form-model';

export interface RealNameInput {
  name: string;
  idNumber: string;
}

/** Quick checks before sending (the gateway verifies name and number together). zh-CN, per field. */
export function realNameProblems(input: RealNameInput): Partial<Record<keyof RealNameInput, string>> {
  const problems: Partial<Record<keyof RealNameInput, string>> = {};
  const name = input.name.trim();
  if (!name) problems.name = '请填写姓名';
  else if (name.length < 2 || name.length > 30) problems.name = '姓名应为2至30个字';
  const id = input.idNumber.trim().toUpperCase();
  if (!id) problems.idNumber = '请填写身份证号码';
  else if (id.length !== 18) problems.idNumber = '身份证号码应为18位';
  else if (!validIdNumber(id)) problems.idNumber = '身份证号码有误，请核对后重新填写';
  return problems;
}
