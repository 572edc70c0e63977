import { Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { getCase, rateCase } from '../../services/cases';
import { ApiError } from '../../services/errors';
import type { CaseDetail } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';
import { LEVELS, ratingProblem, tagsFor } from './model';

/** 好差评 for a closed case: one tap for the level, optional reasons, one confirmation. */
export default function RatePage() {
  const [elderly] = useElderly();
  const id = useRouter().params.id ?? '';
  const a = api();
  const [c, setC] = useState<CaseDetail>();
  const [score, setScore] = useState<number>();
  const [tags, setTags] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per case
  useEffect(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.rate(id)));
    getCase(a, id).then(setC, () => setProblem('办件信息加载失败，请返回重试'));
  }, [id]);

  const send = async () => {
    if (sending) return;
    const p = ratingProblem(score, tags, comment);
    setProblem(p);
    if (p || score === undefined) return;
    setSending(true);
    try {
      await rateCase(a, id, {
        score,
        ...(tags.length ? { tags } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      a.platform.toast('感谢您的评价', 'success');
      await Taro.navigateBack().catch(() => replace(routes.case(id)));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setProblem(e.fieldErrors[0]?.message ?? e.message);
    } finally {
      setSending(false);
    }
  };

  if (!c)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">{problem ?? '加载中…'}</Text>
      </View>
    );
  if (c.rating)
    return (
      <View className={pageClass(elderly)}>
        <Text className="title">{c.service.name}</Text>
        <View className="card" ariaRole="status">
          <Text>您已评价：{c.rating.label}</Text>
          {c.rating.comment && <Text className="field__help">{c.rating.comment}</Text>}
        </View>
      </View>
    );
  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{c.service.name}</Text>
      <Text className="muted">办件编号 {c.caseNumber}</Text>
      <View className="card">
        <Text className="title">您对本次办理满意吗？</Text>
        <View ariaRole="radiogroup" ariaLabel="满意程度">
          {LEVELS.map((l) => (
            <View
              key={l.score}
              className={`btn ${score === l.score ? '' : 'btn--plain'}`}
              ariaRole="radio"
              ariaLabel={`${l.label}${score === l.score ? '，已选' : ''}`}
              onClick={() => {
                if ((score ?? 3) >= 3 !== l.score >= 3) setTags([]);
                setScore(l.score);
                setProblem(undefined);
              }}
            >
              {l.label}
            </View>
          ))}
        </View>
      </View>
      {score !== undefined && (
        <View className="card">
          <Text className="title">{score >= 3 ? '哪些方面让您满意？（可选）' : '哪些方面需要改进？'}</Text>
          <View className="chips">
            {tagsFor(score).map((t) => (
              <View
                key={t}
                className={`chip${tags.includes(t) ? ' chip--on' : ''}`}
                ariaRole="checkbox"
                ariaLabel={`${t}${tags.includes(t) ? '，已选' : ''}`}
                onClick={() => setTags((ts) => (ts.includes(t) ? ts.filter((x) => x !== t) : [...ts, t]))}
              >
                {t}
              </View>
            ))}
          </View>
          <Textarea
            className="input"
            value={comment}
            maxlength={500}
            placeholder={score >= 3 ? '还想说点什么（可选）' : '请告诉我们哪里做得不好，我们会认真改进'}
            ariaLabel="评价意见"
            onInput={(e) => setComment(e.detail.value)}
          />
        </View>
      )}
      {problem && (
        <View className="field__error" ariaRole="alert">
          {problem}
        </View>
      )}
      <View className="footer">
        <View className="btn" ariaRole="button" ariaLabel="提交评价" onClick={send}>
          {sending ? '正在提交…' : '提交评价'}
        </View>
      </View>
    </View>
  );
}
