import type { Draws } from './random';

// Small syllable lists: every name is a random combination, so any match with a real person is chance.
export const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢钟姜崔谭陆范汪廖石金贾夏韦傅方邹熊白孟秦邱侯江尹薛',
];
const MALE = [...'伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文博轩哲晨睿'];
const FEMALE = [...'芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁莉红梅兰琴云萍璐瑶欣怡佳悦涵彤萱妍晴'];
const NEUTRAL = [...'子嘉雨思一梓可若安新宁晓春秋心诗睿泽'];

/** A given name of one or two characters. */
export function givenName(draws: Draws, male: boolean): string {
  const own = male ? MALE : FEMALE;
  if (draws.chance(0.3)) return draws.pick(own);
  return (draws.chance(0.5) ? draws.pick(NEUTRAL) : draws.pick(own)) + draws.pick(own);
}

export const ETHNICITIES = ['壮族', '回族', '满族', '维吾尔族', '苗族', '彝族', '土家族', '藏族', '蒙古族'];

/** 汉族 for about 91 %, otherwise one of a few other 民族. */
export function ethnicity(draws: Draws): string {
  return draws.chance(0.91) ? '汉族' : draws.pick(ETHNICITIES);
}

const STREET = [...'和平建设人民解放中山长江黄河光明幸福文化友谊新华东风胜利'];

/** A street address inside `regionName`. */
export function address(draws: Draws, regionName: string): string {
  const street = draws.pick(STREET) + draws.pick(STREET);
  return `${regionName}${street}路${draws.int(1, 399)}号${draws.int(1, 30)}栋${draws.int(1, 6)}单元${draws.int(1, 33)}0${draws.int(1, 4)}室`;
}

const BRAND = [...'华信瑞恒达通盛鑫宏远嘉诚润博汇智云海'];
const TRADE = [
  '科技',
  '商贸',
  '建设工程',
  '物流',
  '餐饮管理',
  '信息技术',
  '机械制造',
  '医药',
  '文化传媒',
  '物业服务',
];

/** A fictitious employer name (the USCC comes from `uscc.ts`). */
export function employerName(draws: Draws, cityPrefix: string): string {
  const city = cityPrefix.replace(/^.*?省|^.*?自治区/, '').replace(/市$/, '');
  return `${city}${draws.pick(BRAND)}${draws.pick(BRAND)}${draws.pick(TRADE)}有限公司`;
}
