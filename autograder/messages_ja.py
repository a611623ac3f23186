"""Japanese (日本語) translations of the grader's learner-facing words (feedback pages, results table, self-check), for autograder.messages.tr.

Keys are the English templates exactly as written in the code (tr("...") and N_("...")); values
keep every {placeholder} of the key. Style: である調, the glossary's terms (chapters/glossary.md),
code, identifiers and numbers unchanged. tests/test_messages.py checks that every template has a
translation here and that nothing here is left unused.
"""

MESSAGES = {
    '## Your results, {kind} by {kind}':
        '## 結果（{kind}ごと）',
    '| {kind} | points | result |':
        '| {kind} | 得点 / 配点 | 結果 |',
    'function':
        '関数',
    'class':
        'クラス',
    'passed':
        '合格',
    'partly: {note}':
        '部分点: {note}',
    'its test cell was deleted from your notebook, so it could not run':
        'テストセルがノートブックから削除されていたため、実行できなかった',
    'A {kind} that uses another one (a sequence calling its step, a backward test calling your forward for its cache, a forecast using your trained model) fails along with it: fix the first failure first.':
        'ほかの{kind}を使う{kind}（1 ステップを呼び出す系列全体の処理、キャッシュを得るために順伝播を呼び出す逆伝播のテスト、訓練したモデルを使う予測など）は、使われる側が不合格ならば一緒に不合格になる。最初の不合格から直すこと。',
    '**Warning:** {event}.':
        '**注意:** {event}。',
    'not run':
        '未実行',
    'Score':
        '得点',
    'Test cell':
        'テストセル',
    'Coding free-response':
        '自由記述（コード）',
    'Written response':
        '記述式の解答',
    'Task':
        '課題',
    'Task:':
        '課題:',
    'Comment':
        'コメント',
    'Comments:':
        'コメント:',
    'Late submission penalty':
        '提出期限後の提出による減点',
    '(Top)':
        '（先頭へ）',
    "Student's answer":
        '受講者の解答',
    "Student's task":
        '受講者の課題',
    'Grade cell:':
        '採点セル:',
    'the Python kernel died (the code called exit, crashed, or ran out of memory or CPU time)':
        'Python カーネルが停止した（コードが exit を呼んだか、クラッシュしたか、メモリまたは CPU 時間を使い果たした）',
    'a cell ran longer than {seconds} s and was stopped':
        'あるセルの実行が {seconds} 秒を超えたため停止された',
    'more than {kb} KB of output were printed; the rest was dropped':
        '{kb} KB を超える出力があったため、超えた分は破棄された',
    'the notebook ran longer than {seconds} s in all and was stopped':
        'ノートブック全体の実行が {seconds} 秒を超えたため停止された',
    'the sandbox stopped before the notebook could run':
        'ノートブックを実行する前にサンドボックスが停止した',
    'bubblewrap (bwrap) is not installed: `make system-packages` (as root) installs it, or `apt-get install bubblewrap`':
        'bubblewrap (bwrap) がインストールされていない: `make system-packages`（root で実行）または `apt-get install bubblewrap` でインストールできる',
    'the sandbox needs root to run each kernel as its own unprivileged user':
        '各カーネルを専用の非特権ユーザーとして実行するには、サンドボックスに root 権限が必要である',
    'bwrap cannot create namespaces here: {error}':
        'この環境では bwrap が名前空間を作成できない: {error}',
    "the check outside the notebook could not run ({why}): this grade is the notebook's tests alone":
        'ノートブックの外でのチェックを実行できなかった（{why}）: この得点はノートブック内のテストだけによるものである',
    'the check outside the notebook failed for {functions}':
        'ノートブックの外でのチェックで不合格: {functions}',
    'the check outside the notebook lowered the score of {functions}':
        'ノートブックの外でのチェックで得点が下がった: {functions}',
    'This test did not run: {reason}.':
        'このテストは実行されなかった: {reason}。',
    'it did not run':
        '実行されなかった',
    'This cell did not finish within {seconds} s (an endless loop?) and was stopped.':
        'このセルは {seconds} 秒以内に終わらなかったため停止された（無限ループではないか）。',
    '[output truncated: more than {kb} KB were printed]':
        '[出力を省略: {kb} KB を超える出力があった]',
    '{function}: the check made outside your notebook, {where}, failed: {why} {rule}':
        '{function}: ノートブックの外で{where}行ったチェックで不合格となった: {why} {rule}',
    '{function}: checked outside your notebook, {why}':
        '{function}: ノートブックの外でチェックした結果、{why}',
    'checked outside your notebook, {why}':
        'ノートブックの外でチェックした結果、{why}',
    'on fresh inputs with NumPy alone':
        '新たに生成した入力に対して NumPy だけで',
    "in a fresh process with NumPy and the course's NumPy GRU alone":
        'NumPy とコースの NumPy 版 GRU だけがある新しいプロセスで',
    "Your function must compute its results itself, in NumPy, without torch, the course's helpers, or changes to the tests.":
        '関数は、torch やコースの補助関数を使わず、テストも変更せずに、NumPy で自ら結果を計算しなければならない。',
    "Your functions must compute their results themselves, in NumPy, without torch, the course's other helpers, or changes to the tests.":
        '関数は、torch やコースのほかの補助関数を使わず、テストも変更せずに、NumPy で自ら結果を計算しなければならない。',
    '{function} returned {found} items, expected {expected}':
        '{function} は {found} 個の値を返した。期待される個数は {expected} 個である',
    'returned {found} results, expected {expected}':
        '{found} 個の結果を返した。期待される個数は {expected} 個である',
    '{name} is not a NumPy array of numbers':
        '{name} が数値の NumPy 配列ではない',
    '{name} (inputs {case})':
        '{name}（入力 {case}）',
    ', scores of order {scale:g}':
        '、スコアのオーダーは {scale:g}',
    "forecast did not return a finite float (next month's value)":
        'forecast が有限の float（翌月の値）を返さなかった',
    "trained outside your notebook, your forecaster's validation MAE (2016-2019) was {found:.2f} ppm; expected at most {limit:.2f} ppm.":
        'ノートブックの外で訓練したところ、予測器の検証データ（2016〜2019 年）に対する MAE は {found:.2f} ppm であった。{limit:.2f} ppm 以下であることが期待される。',
    'trained outside your notebook, your forecaster failed: {error}':
        'ノートブックの外で訓練したところ、予測器が失敗した: {error}',
    "train_char_lm's params are not all NumPy arrays of numbers":
        'train_char_lm の params に数値の NumPy 配列でないものがある',
    'train_char_lm returned {name} of shape {found}, expected {expected} with finite values':
        'train_char_lm が返した {name} の形状は {found} であった。期待されるのは有限の値からなる形状 {expected} の配列である',
    "trained outside your notebook, your model's validation perplexity was {perplexity:.2f}; expected at most {target:g}.":
        'ノートブックの外で訓練したところ、モデルの検証データに対するパープレキシティは {perplexity:.2f} であった。{target:g} 以下であることが期待される。',
    "your notebook's cells did not finish within {seconds} s outside your notebook (an endless loop?)":
        'ノートブックのセルが、ノートブックの外で {seconds} 秒以内に終わらなかった（無限ループではないか）',
    'the sandbox stopped (the code exited or crashed)':
        'サンドボックスが停止した（コードが終了したか、クラッシュした）',
    'the sandbox stopped (the code exited, crashed or ran out of memory)':
        'サンドボックスが停止した（コードが終了したか、クラッシュしたか、メモリを使い果たした）',
    'an answer was too large':
        '応答が大きすぎた',
    'a malformed answer ({error})':
        '応答の形式が正しくない（{error}）',
    'no answer within {seconds} s (an endless loop?)':
        '{seconds} 秒以内に応答がなかった（無限ループではないか）',
    '{path}: cannot be read as a notebook ({error})':
        '{path}: ノートブックとして読み込めない（{error}）',
    "{path}: has no test cells; is it one of the course's exercise notebooks?":
        '{path}: テストセルがない。コースの演習ノートブックか確認すること',
    'Checking {path} (visible tests; hidden tests run when it is graded) ...':
        '{path} をチェックしている（公開テストのみ。非公開テストは採点時に実行される）...',
    ': a cell ran longer than {seconds} s (an endless loop?)':
        ': あるセルの実行が {seconds} 秒を超えた（無限ループではないか）',
    ': the Python kernel died (did the code call exit() or use too much memory?)':
        ': Python カーネルが停止した（コードが exit() を呼んだか、メモリを使いすぎたのではないか）',
    '{function}: passed':
        '{function}: 合格',
    '{function}: failed: {reason}':
        '{function}: 不合格: {reason}',
    'the cell defining {cell} raised {error}':
        '{cell} を定義するセルが例外を送出した: {error}',
    '{passed} of {total} functions pass their tests.':
        '{total} 個の関数のうち {passed} 個がテストに合格した。',
    '{assignment} feedback':
        '{assignment} のフィードバック',
    '{assignment}: feedback for {student}':
        '{assignment}: {student} へのフィードバック',
    'Score: 0 / {max_score}':
        '得点: 0 / {max_score}',
    'Your submission could not be graded: {reason}.':
        '提出物を採点できなかった: {reason}。',
    'Check that you submitted the notebook {notebook} itself, saved from\nJupyter, and that it opens there. Run {command}\nbefore submitting.':
        '提出したのが Jupyter で保存したノートブック {notebook} そのものであり、\nJupyter で開けることを確認すること。提出する前に {command}\nを実行すること。',
}
