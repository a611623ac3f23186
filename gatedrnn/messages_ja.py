"""Japanese (日本語) translations of gatedrnn's learner-facing messages, for gatedrnn.i18n.tr.

Keys are the English templates exactly as written in the code (tr("...") and N_("...")); values
keep every {placeholder} of the key. Style: である調, the glossary's terms (chapters/glossary.md),
code, identifiers and numbers unchanged. tests/test_messages.py checks that every template has a
translation here and that nothing here is left unused.
"""

MESSAGES = {
    # gatedrnn.testing: a check's verdict
    "all {count} checks passed.": "{count} 個のチェックにすべて合格した。",
    "all {count} checks passed (ungraded extension: no points).":
        "{count} 個のチェックにすべて合格した（採点対象外の発展課題：配点なし）。",
    " (ungraded extension: no points)": "（採点対象外の発展課題：配点なし）",
    "{message} Also: {sentence}": "{message} また、{sentence}",
    "the function": "その関数",
    "argument {number}": "第 {number} 引数",
    " (its test needs {name} to work first)": "このテストには、まず {name} が正しく動くことが必要である。",
    "{name} is not implemented yet: it raised NotImplementedError{role}.":
        "{name} はまだ実装されていない（NotImplementedError が送出された）。{role}",
    "{name} raised {error_type}: {error}{where}{role}.": "{name} が {error_type} を送出した：{error}{where}。{role}",
    " (in {function}, line {line})": "（{function} の {line} 行目）",
    " (in {function}, line {line}: {code})": "（{function} の {line} 行目：{code}）",
    "{name} modified its input {argument} in place; compute new arrays instead.":
        "{name} が入力 {argument} をその場で変更した。代わりに新しい配列を計算すること。",
    "a tuple of {count} items": "要素数 {count} のタプル",
    "a {type}": "{type} 型の値",
    "{name} should return a tuple of {returns} items, it returned {found}.":
        "{name} は要素数 {returns} のタプルを返すべきだが、{found}を返した。",
    "{names} and {last}": "{names} と {last}",
    "{name} ({case})": "{case} の場合の {name}",
    "{name} should be a NumPy array of shape {shape}, found a {type}.":
        "{name} は形状 {shape} の NumPy 配列であるべきだが、{type} 型の値だった。",
    "{name} has shape {found}, expected {expected}.": "{name} の形状は {found} だが、期待される形状は {expected} である。",
    "{name} has shape {found}, expected {expected} ({hint}).":
        "{name} の形状は {found} だが、期待される形状は {expected} である（{hint}）。",
    "{name} has dtype {dtype}, expected a floating-point array.":
        "{name} の dtype は {dtype} だが、浮動小数点数の配列でなければならない。",
    "{name} contains {value} at index {index}; all values should be finite.":
        "{name} のインデックス {index} に {value} が含まれている。値はすべて有限でなければならない。",
    "{name} contains {value} at index {index}; all values should be finite. {explanation}":
        "{name} のインデックス {index} に {value} が含まれている。値はすべて有限でなければならない。{explanation}",
    "{name} is wrong: {explanation}": "{name} が誤っている：{explanation}",
    "{names} are wrong: {explanation}": "{names} が誤っている：{explanation}",
    "{name} is wrong (relative error {error:.1e}, tolerance {tol:.0e}).":
        "{name} が誤っている（相対誤差 {error:.1e}、許容誤差 {tol:.0e}）。",
    " Largest difference at index {index}: expected {wanted}, found {got}.":
        "差が最大なのはインデックス {index} で、期待値は {wanted}、実際の値は {got} である。",
    " expected {wanted}, found {got}.": "期待値は {wanted}、実際の値は {got} である。",
    " It has dtype {dtype} but the inputs were {inputs}: {explanation}":
        "dtype が {dtype} だが、入力は {inputs} だった：{explanation}",
    " (Also, it has dtype {dtype} but the inputs were {inputs}.)": "（また、dtype が {dtype} だが、入力は {inputs} だった。）",
    " Hint: {hint}": "ヒント：{hint}",
    "this is a centered-difference gradient check of your own forward pass.":
        "これは、あなた自身の順伝播を中心差分で微分して行う勾配確認である。",

    "{name} should return a finite float ({meaning}), it returned {value!r}.":
        "{name} は有限の浮動小数点数（{meaning}）を返すべきだが、{value!r} を返した。",
    "{name} should be a dict with the keys {keys}, found {type} {found}.":
        "{name} はキー {keys} をもつ dict であるべきだが、{type} 型の値 {found} だった。",
    "{name} should return a dict with the keys {keys}.": "{name} はキー {keys} をもつ dict を返すべきである。",
    "{name} has dtype {dtype} for {inputs} inputs; keep the inputs' dtype.":
        "入力が {inputs} なのに {name} の dtype が {dtype} になっている。入力の dtype を保つこと。",
    "{name} has values that are not finite: training diverged.":
        "{name} に有限でない値が含まれている。訓練が発散した。",
    "training took {seconds:.1f} s of CPU, more than the budget of {budget:g} s: {advice}":
        "訓練に CPU 時間で {seconds:.1f} 秒かかり、予算の {budget:g} 秒を超えた。{advice}",
    "training took {seconds:.1f} s, more than the budget of {budget:g} s: {advice}":
        "訓練に {seconds:.1f} 秒かかり、予算の {budget:g} 秒を超えた。{advice}",
    "{what} is {found}; expected at most {target}{note}.":
        "{what}は {found} であるが、{target} 以下であることが求められる{note}。",
    "visible example": "公開されている例",
    "the same scores times 10^4: must stay finite": "同じスコアを 10^4 倍したもの（有限のままでなければならない）",

    # gatedrnn.testing: misconceptions
    "your values are those of {subject} that differs from the course's in {count} ways, each to fix: {listed}.":
        "あなたの値は、コースのものと {count} 点で異なる {subject}の値である。どの点も修正すること：{listed}。",
    "({number}) {short} ({id})": "{number} つ目は{short}（{id}）",
    "somewhere your code computes in a lower precision "
    "(an array made with dtype=np.float32, an .astype(np.float32), a float32 constant array). Create "
    "arrays in the inputs' dtype (np.zeros_like, np.result_type of the inputs), so that float64 inputs "
    "give float64 results.":
        "コードのどこかで、入力より低い精度で計算している（dtype=np.float32 で作った配列、.astype(np.float32)、"
        "float32 の定数配列など）。配列は入力の dtype で作ること（np.zeros_like、入力の np.result_type など）。"
        "そうすれば、float64 の入力から float64 の結果が得られる。",
    "computes in a lower precision than its inputs": "入力より低い精度で計算していること",
    "The inputs were all finite, so an intermediate value overflowed: np.exp(a) is inf beyond a = 709.8 "
    "in float64 (88.7 in float32), and inf / inf is nan. This happens with large pre-activations "
    "(unscaled inputs such as 0 ... 24) and an activation written with exponentials, such as tanh as "
    "(e^a - e^-a) / (e^a + e^-a). Use np.tanh, and a sigmoid that cannot overflow, such as "
    "0.5 * (1 + np.tanh(0.5 * a)).":
        "入力はすべて有限だったので、途中の値がオーバーフローしたことになる。np.exp(a) は float64 では a = 709.8 を"
        "超えると（float32 では 88.7 を超えると）inf になり、inf / inf は nan である。これは、活性化前の値が大きく"
        "（0 ... 24 のようにスケーリングしていない入力）、活性化関数を指数関数で書いた場合、たとえば tanh を "
        "(e^a - e^-a) / (e^a + e^-a) と書いた場合に起こる。np.tanh を使い、シグモイド関数にはオーバーフローしない"
        "形、たとえば 0.5 * (1 + np.tanh(0.5 * a)) を使うこと。",
    "an activation written with exponentials that overflow": "オーバーフローする指数関数で活性化関数を書いていること",
    "each is the right gradient divided by N = {N}, the batch size: it was averaged over the "
    "batch. The loss these functions differentiate is a sum over the batch (an average, if one "
    "is wanted, is already in the upstream gradient), so add the examples' contributions "
    "without dividing by N.":
        "どれも、正しい勾配をバッチサイズ N = {N} で割ったものになっている。つまり、バッチについて平均をとっている。"
        "これらの関数が微分する損失はバッチについての和である（平均が必要なら、それは上流から来る勾配にすでに"
        "含まれている）。したがって、N で割らずに各例の寄与を足し合わせること。",
    "averaged over the batch": "バッチについて平均をとっていること",
    "each is the right gradient divided by T = {T}, the number of steps: it was averaged over "
    "time. The weights are shared by every step, so their gradient is the sum of the steps' "
    "gradients, not their mean.":
        "どれも、正しい勾配を時刻の数 T = {T} で割ったものになっている。つまり、時間について平均をとっている。"
        "重みはすべての時刻で共有されているので、その勾配は各時刻の勾配の平均ではなく和である。",
    "averaged over the steps": "時刻について平均をとっていること",
    "each is the right gradient times {factor:g}: look for a derivative written as 2 * ... (of "
    "a square that is not there) or a 0.5 too many, or a contribution added twice (or half of "
    "one missing).":
        "どれも、正しい勾配の {factor:g} 倍になっている。（存在しない二乗の）導関数を 2 * ... と書いていないか、"
        "0.5 が余分にないか、ある寄与を 2 回足していないか（あるいはその半分が抜けていないか）を探すこと。",
    "off by a factor of two": "2 倍ずれていること",

    # gatedrnn.gru_variants: the wrong GRUs
    "a GRU": "GRU モデル",
    "your values are those of a GRU whose candidate n uses a sigmoid. Only the gates r and z are "
    "sigmoids; the candidate uses tanh, so that it can be negative: n = tanh(...).":
        "あなたの値は、候補 n にシグモイド関数を使う GRU の値である。シグモイド関数を使うのはゲート r と z だけであり、"
        "候補は負の値もとれるように tanh を使う：n = tanh(...)。",
    "its candidate n uses a sigmoid instead of tanh": "候補 n に tanh ではなくシグモイド関数を使っていること",
    "your values are those of the update h' = (1 - z) * h_prev + z * n, the opposite convention "
    "found in some papers and blogs. This course (like PyTorch) uses h' = (1 - z) * n + z * h_prev: "
    "z is the share of the old state that is kept.":
        "あなたの値は、更新を h' = (1 - z) * h_prev + z * n とした場合の値である。これは一部の論文やブログに見られる"
        "逆の規約である。このコースは（PyTorch と同じく）h' = (1 - z) * n + z * h_prev を使う。z は古い状態のうち"
        "保持される割合である。",
    "its update is h' = (1 - z) * h_prev + z * n, where the course's is (1 - z) * n + z * h_prev":
        "更新が h' = (1 - z) * h_prev + z * n になっていること（このコースでは (1 - z) * n + z * h_prev）",
    "your values are those of a GRU that applies the reset gate before the recurrent product, "
    "(r * h_prev) @ Wh_n + bh_n. This course's GRU (PyTorch's and cuDNN's) applies it after: "
    "r * (h_prev @ Wh_n + bh_n).":
        "あなたの値は、リセットゲートを再帰の行列積の前に適用する GRU、すなわち (r * h_prev) @ Wh_n + bh_n の値で"
        "ある。このコースの GRU（PyTorch および cuDNN のもの）はリセットゲートを積の後に適用する："
        "r * (h_prev @ Wh_n + bh_n)。",
    "it applies the reset gate before the recurrent product, (r * h_prev) @ Wh_n + bh_n, "
    "where the course applies it after, r * (h_prev @ Wh_n + bh_n)":
        "リセットゲートを再帰の行列積の前に (r * h_prev) @ Wh_n + bh_n として適用していること（このコースでは"
        "積の後に r * (h_prev @ Wh_n + bh_n) として適用する）",
    "your values are those of a GRU that reads the packed blocks as z | r | n. The course packs "
    "them as PyTorch does, r | z | n: columns 0:H belong to the reset gate r, H:2H to the update "
    "gate z, 2H:3H to the candidate n.":
        "あなたの値は、パックされたブロックを z | r | n と読む GRU の値である。このコースは PyTorch と同じく "
        "r | z | n の順にパックする。列 0:H はリセットゲート r、H:2H は更新ゲート z、2H:3H は候補 n のものである。",
    "it reads the packed blocks as z | r | n, where the course packs them r | z | n (columns "
    "0:H reset gate, H:2H update gate, 2H:3H candidate)":
        "パックされたブロックを z | r | n と読んでいること（このコースは r | z | n の順にパックする。列 0:H は"
        "リセットゲート、H:2H は更新ゲート、2H:3H は候補）",

    # gatedrnn.gates: the LSTM's gate orders
    "your values are what an LSTM gives when its gates are packed in the order {theirs} (as in {users}). "
    "This course packs them like PyTorch, {ours}: columns {columns}. Slice the blocks in that order, in "
    "the forward and in the backward pass.":
        "あなたの値は、ゲートを {theirs} の順にパックした LSTM が出す値である（{users}と同じ）。このコースは "
        "PyTorch と同じく {ours} の順にパックする。列の割り当ては次のとおりである：{columns}。順伝播でも逆伝播でも、この順にブロックを"
        "切り出すこと。",
    "{start}:{stop} {gate}": "{start}:{stop} が {gate}",
    "PyTorch, cuDNN and Keras": "PyTorch、cuDNN および Keras",
    "the cs231n assignments": "cs231n の課題",
    'the book "Deep Learning from Scratch 2"': "書籍『ゼロから作る Deep Learning ❷』",
    "TensorFlow 1's BasicLSTMCell": "TensorFlow 1 の BasicLSTMCell",
    "ONNX": "ONNX の LSTM 演算子",
    "some other code": "ほかのコード",
    "i (input gate)": "i（入力ゲート）",
    "f (forget gate)": "f（忘却ゲート）",
    "g (cell candidate, tanh)": "g（セルの候補、tanh）",
    "o (output gate)": "o（出力ゲート）",

    # gatedrnn.torch_testing: the PyTorch exercise's checks
    "this exercise asks you to write the GRU yourself from tensor operations, so a part "
    "that hands its work to a built-in GRU earns no points":
        "この演習では GRU をテンソル演算から自分で書くことが求められているので、処理を組み込みの GRU に任せる部分には"
        "点が与えられない",
    "inherits from {base}": "{base} を継承している",
    "uses {code} (in {method})": "{code} を使っている（{method} 内）",
    "imports {names} from {module} (in {method})": "{module} から {names} をインポートしている（{method} 内）",
    "{name} {reference}: {why}.": "{name} は {reference}：{why}。",
    "{name} called {call}, a built-in GRU: {why}.": "{name} が組み込みの GRU である {call} を呼び出した：{why}。",
    "{name} should be a class (a torch.nn.Module), found a {type}.":
        "{name} はクラス（torch.nn.Module）であるべきだが、{type} 型の値だった。",
    "{name} raised {error_type} in the case {case}: {error}{where}.":
        "{name} が {case} の場合に {error_type} を送出した：{error}{where}。",
    "{case}, {dtype} on {device}": "{case}、{device} 上の {dtype}",
    "defaults": "既定の引数",
    "{name} modified its argument {position} in place; compute new tensors instead.":
        "{name} が第 {position} 引数をその場で変更した。代わりに新しいテンソルを計算すること。",
    "{name} should be a torch.Tensor, found a {type}.": "{name} は torch.Tensor であるべきだが、{type} 型の値だった。",
    "{name} has dtype {found}, expected {expected} (the inputs' dtype).":
        "{name} の dtype は {found} だが、{expected}（入力の dtype）でなければならない。",
    "{name} is on {found}, expected {expected} (where the inputs are).":
        "{name} は {found} 上にあるが、{expected}（入力があるデバイス）上になければならない。",
    "the parameters should be named and shaped as {reference}'s: {problems}.":
        "パラメータの名前と形状は {reference} のものと同じでなければならない：{problems}。",
    "missing {names}": "{names} がない",
    "unexpected {names}": "想定外の {names} がある",
    "{name} {found} (expected {expected})": "{name} の形状が {found}（期待される形状は {expected}）",
    "load_state_dict {direction} failed: {error}": "load_state_dict（{direction}）が失敗した：{error}",
    "no gradient reached {name}: is it used, and is the graph kept?":
        "{name} に勾配が届いていない。それは使われているか、計算グラフは保たれているか？",
    "gradient of {name}": "{name} の勾配",
    "{name} should be initialised uniformly on [-1/sqrt(H), 1/sqrt(H)] = [-{bound}, {bound}].":
        "{name} は [-1/sqrt(H), 1/sqrt(H)] = [-{bound}, {bound}] 上の一様分布で初期化されるべきである。",
    "on CUDA": "CUDA 上",
    "bidirectional": "双方向",
    "eval mode": "評価モード",
    "training mode": "訓練モード",
    "dropout=1.0 between layers": "層間に dropout=1.0",
    "CUDA part skipped: no GPU on this machine": "このマシンには GPU がないため、CUDA の部分は省略した",
    "from your {yours} into {reference}": "あなたの {yours} から {reference} へ",
    "from {reference} into your {yours}": "{reference} からあなたの {yours} へ",
    "all {count} checks passed. ({note})": "{count} 個のチェックにすべて合格した（{note}）。",

    # gatedrnn.forecasting: the forecast exercise's data and score
    "{name} must be a 1-D series of at least {minimum} values, got shape {shape}":
        "{name} は {minimum} 個以上の値からなる 1 次元の系列でなければならないが、形状 {shape} の配列が渡された",
    "{name} contains values that are not finite": "{name} に有限でない値が含まれている",
    "n_last must be between 1 and {largest}, got {n_last}":
        "n_last は 1 以上 {largest} 以下でなければならないが、{n_last} が渡された",
    "your forecaster's MAE {found:.2f} ppm did not beat seasonal naive's {naive:.2f} ppm on the "
    "held-out months.":
        "評価用に取り分けた月において、あなたの予測器の MAE {found:.2f} ppm は季節ナイーブ予測の {naive:.2f} ppm に"
        "勝てなかった。",
    "your forecaster's MAE {found:.2f} ppm beat seasonal naive's {naive:.2f} ppm on the "
    "held-out months, but not by the margin (full marks need at most {target:.2f} ppm): "
    "{earned:g} of {points:g} points.":
        "評価用に取り分けた月において、あなたの予測器の MAE {found:.2f} ppm は季節ナイーブ予測の {naive:.2f} ppm に"
        "勝ったが、求められる差はつかなかった（満点には {target:.2f} ppm 以下が必要）：{points:g} 点中 {earned:g} 点。",
    "your forecaster's MAE {found:.2f} ppm beat seasonal naive's {naive:.2f} ppm on the "
    "held-out months by the margin (at most {target:.2f} ppm).":
        "評価用に取り分けた月において、あなたの予測器の MAE {found:.2f} ppm は季節ナイーブ予測の {naive:.2f} ppm に、"
        "求められる差をつけて勝った（{target:.2f} ppm 以下）。",

    # gatedrnn.forecasting: the forecast exercise's checks
    "the mean and standard deviation were computed on train and rest together, which leaks the later "
    "part into training; compute them from train alone.":
        "平均と標準偏差を train と rest を合わせたものから計算しているため、後の部分の情報が訓練に漏れている。"
        "これらは train だけから計算すること。",
    "X[i, :, 0] = series[i:i + T], one feature per month": "X[i, :, 0] = series[i:i + T]、特徴量は 1 か月につき 1 つ",
    "y[i] = series[i + T], the value after window i": "y[i] = series[i + T]、ウィンドウ i の次の値",
    "month k repeats history[M - season + k % season]": "k 番目の月は history[M - season + k % season] を繰り返す",
    "call torch.manual_seed(seed) (and seed any other randomness) inside train_forecaster.":
        "train_forecaster の中で torch.manual_seed(seed) を呼ぶこと（ほかの乱数にもシードを与えること）。",
    "next month's ppm": "翌月の ppm",
    "use a smaller network or fewer epochs.": "ネットワークを小さくするか、エポック数を減らすこと。",
    "your forecaster's validation MAE (2016-2019)": "あなたの予測器の検証データ（2016〜2019 年）での MAE",
    ", a quarter of seasonal naive's {naive:.2f} ppm": "（季節ナイーブ予測の {naive:.2f} ppm の 4 分の 1）",
    "the forecasts of a second model trained with the same seed": "同じシードで訓練した 2 つ目のモデルの予測",
    "Validation MAE {found:.3f} ppm (seasonal naive: {naive:.3f} ppm), trained in {seconds:.1f} s.":
        "検証データでの MAE は {found:.3f} ppm（季節ナイーブ予測は {naive:.3f} ppm）、訓練時間は {seconds:.1f} 秒。",
    "Your forecast for January 2020: {value:.2f} ppm.": "あなたの 2020 年 1 月の予測値：{value:.2f} ppm。",

    # gatedrnn.char_lm: the language model exercise's data
    "rows of ids that occur more than once got only one of their gradients: `dW[idx] += dout` keeps one "
    "update per repeated index; accumulate with np.add.at, which adds every one.":
        "2 回以上現れる ID の行が、勾配を 1 つしか受け取っていない。`dW[idx] += dout` は繰り返されるインデックスごとに"
        "更新を 1 つしか残さない。すべてを足し合わせる np.add.at で累積すること。",
    "the loss was averaged over all N*T positions (or over N), not over the positions where the mask "
    "is True; divide by mask.sum().":
        "損失を、マスクが True の位置についてではなく、N*T 個すべての位置について（または N について）平均している。"
        "mask.sum() で割ること。",
    "huge scores, {case}": "非常に大きなスコア、{case}",
    "float32 scores, {case}": "float32 のスコア、{case}",
    "float32 inputs, {case}": "float32 の入力、{case}",
    "float32 W, {case}": "float32 の W、{case}",
    "use fewer steps or a smaller model.": "ステップ数を減らすか、モデルを小さくすること。",
    "your model's validation perplexity": "あなたのモデルの検証データでのパープレキシティ",
    " (the unigram model's is 21.2)": "（ユニグラムモデルでは 21.2）",
    "the validation perplexity of a second model trained with the same seed":
        "同じシードで訓練した 2 つ目のモデルの検証データでのパープレキシティ",
    "draw everything random from numpy.random.default_rng(seed).":
        "乱数はすべて numpy.random.default_rng(seed) から引くこと。",
    "Validation perplexity {perplexity:.2f} (target {target:g}), trained in {seconds:.1f} s of CPU.":
        "検証データでのパープレキシティは {perplexity:.2f}（目標は {target:g}）、訓練時間は CPU 時間で {seconds:.1f} 秒。",
    "text has characters not in the vocabulary: {unknown}": "text に語彙にない文字が含まれている：{unknown}",
    "ids has {length} characters, fewer than a window of T + 1 = {window}":
        "ids の文字数は {length} で、T + 1 = {window} 文字のウィンドウ 1 つ分に満たない",
    "name {name!r} is not one of the committed texts {available}":
        "name {name!r} は、リポジトリに含まれるテキスト {available} のどれでもない",
    "saturating inputs 0 ... 24": "飽和する入力 0 ... 24",
    "{name} of your {function}, which this test uses,": "このテストが使う、あなたの {function} の {name}",
    "; ": "、",
}
