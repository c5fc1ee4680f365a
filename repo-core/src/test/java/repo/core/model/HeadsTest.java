package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsException;
import repo.core.io.SafetensorsFile;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelOptions.Precision;

class HeadsTest {
    @TempDir
    Path tmp;

    private Qwen3Model model;
    private NDManager m;
    private NDArray hidden;

    @BeforeEach
    void setUp() {
        model = LoraTestModels.model(Precision.FP32, 13);
        m = model.manager().newSubManager();
        hidden = model.base().hidden(LoraTestModels.ids(m, 3, 6, 4), null, null); // (3, 6, 32)
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void scoreHeadReadsTheLastRealTokenForLeftAndRightPadding() {
        ScoreHead head = ScoreHead.create(m, 32, DataType.FLOAT32, 1);
        assertThat(head.weight().getShape()).isEqualTo(new Shape(1, 32));
        assertThat(head.weight().hasGradient()).isTrue();
        long[][] masks = {
            {0, 0, 1, 1, 1, 1, /**/ 1, 1, 1, 1, 0, 0, /**/ 0, 1, 1, 1, 0, 0},  // left, right, both
            {1, 1, 1, 1, 1, 1, /**/ 0, 0, 0, 0, 0, 1, /**/ 1, 0, 0, 0, 0, 0},  // none, only last, only first
        };
        int[][] last = {{5, 3, 3}, {5, 5, 0}};
        float[] perToken = head.perToken(hidden).toFloatArray();               // (3, 6)
        float[] h = hidden.toFloatArray(), w = head.weight().toFloatArray();
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 6; t++) {
                double dot = 0;
                for (int k = 0; k < 32; k++) {
                    dot += h[(b * 6 + t) * 32 + k] * w[k];
                }
                assertThat((double) perToken[b * 6 + t]).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        for (int c = 0; c < masks.length; c++) {
            NDArray mask = m.create(masks[c], new Shape(3, 6));
            assertThat(ScoreHead.lastTokenIndex(mask, 3, 6, m).toLongArray())
                    .containsExactly(last[c][0], last[c][1], last[c][2]);
            float[] s = head.scores(hidden, mask).toFloatArray();
            assertThat(s).hasSize(3);
            for (int b = 0; b < 3; b++) {
                assertThat(s[b]).as("case %d row %d", c, b).isEqualTo(perToken[b * 6 + last[c][b]]);
            }
        }
        float[] noMask = head.scores(hidden, null).toFloatArray();
        assertThat(noMask).containsExactly(perToken[5], perToken[11], perToken[17]);
        // an int32 or float mask works too
        assertThat(head.scores(hidden, m.create(masks[0], new Shape(3, 6)).toType(DataType.FLOAT32, false)).toFloatArray())
                .containsExactly(perToken[5], perToken[9], perToken[15]);
    }

    @Test
    void scoreHeadInitIsNormalWithStd002() {
        ScoreHead head = ScoreHead.create(m, 4096, DataType.FLOAT32, 3);
        float[] w = head.weight().toFloatArray();
        double sum = 0, sq = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
        assertThat(std).isBetween(0.019, 0.021);
        assertThat(Math.abs(mean)).isLessThan(0.002);
    }

    @Test
    void valueHeadGivesPerTokenValuesWithBias() {
        ValueHead head = ValueHead.create(m, 32, DataType.FLOAT32, 2);
        NDArray values = head.values(hidden);
        assertThat(values.getShape()).isEqualTo(new Shape(3, 6));
        float[] h = hidden.toFloatArray(), w = head.weight().toFloatArray(), v = values.toFloatArray();
        float bias = head.bias().toFloatArray()[0];
        assertThat(bias).isNotZero();
        assertThat(Math.abs(bias)).isLessThanOrEqualTo((float) (1 / Math.sqrt(32)));
        for (int i = 0; i < 18; i++) {
            double dot = bias;
            for (int k = 0; k < 32; k++) {
                dot += h[i * 32 + k] * w[k];
            }
            assertThat((double) v[i]).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(head.parameters()).containsExactly(head.weight(), head.bias());
        assertThat(head.parameters()).allMatch(NDArray::hasGradient);

        ValueHead normal = ValueHead.createNormal(m, 32, DataType.FLOAT32, ValueHead.NORMAL_INIT_STD, 2);
        assertThat(normal.bias().toFloatArray()).containsExactly(0f);
    }

    @Test
    void valueHeadDropoutOnlyInTraining() {
        ValueHead head = ValueHead.create(m, 32, DataType.FLOAT32, 2);
        head.setDropout(0.5);
        float[] eval = head.values(hidden).toFloatArray();
        assertThat(head.values(hidden).toFloatArray()).containsExactly(eval);
        head.setTraining(true);
        Engine.getInstance().setRandomSeed(1);
        assertThat(head.values(hidden).toFloatArray()).isNotEqualTo(eval);
        head.setTraining(false);
        assertThat(head.values(hidden).toFloatArray()).containsExactly(eval);
    }

    @Test
    void headsRoundTripThroughTheirOwnSafetensorsFiles() throws Exception {
        ValueHead value = ValueHead.create(m, 32, DataType.FLOAT32, 5);
        ScoreHead score = ScoreHead.create(m, 32, DataType.FLOAT32, 6);
        value.save(tmp.resolve("value_head.safetensors"));
        score.save(tmp.resolve("score_head.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("value_head.safetensors"))) {
            assertThat(f.tensors().keySet()).containsExactlyInAnyOrder("v_head.summary.weight", "v_head.summary.bias");
            assertThat(f.metadata()).containsEntry("format", "pt");
        }
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("score_head.safetensors"))) {
            assertThat(f.tensors().keySet()).containsExactly("score.weight");
        }
        try (ValueHead v2 = ValueHead.load(tmp.resolve("value_head.safetensors"), m, DataType.FLOAT32);
             ScoreHead s2 = ScoreHead.load(tmp.resolve("score_head.safetensors"), m, DataType.FLOAT32);
             ValueHead v64 = ValueHead.load(tmp.resolve("value_head.safetensors"), m, DataType.FLOAT64)) {
            assertThat(v2.values(hidden).toFloatArray()).containsExactly(value.values(hidden).toFloatArray());
            assertThat(s2.perToken(hidden).toFloatArray()).containsExactly(score.perToken(hidden).toFloatArray());
            assertThat(v2.weight().hasGradient()).isTrue();
            assertThat(v64.weight().getDataType()).isEqualTo(DataType.FLOAT64);
        }
        assertThatThrownBy(() -> ValueHead.load(tmp.resolve("score_head.safetensors"), m, DataType.FLOAT32))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("score_head.safetensors").hasMessageContaining("'score.weight'")
                .hasMessageContaining("not part of a value head");
        assertThatThrownBy(() -> ScoreHead.load(tmp.resolve("value_head.safetensors"), m, DataType.FLOAT32))
                .hasMessageContaining("not part of a score head");
        Path bad = tmp.resolve("bad.safetensors");
        SafetensorsWriter.writeFloats(bad, Map.of("score.weight", new float[64]), Map.of("score.weight", new long[] {2, 32}), Map.of());
        assertThatThrownBy(() -> ScoreHead.load(bad, m, DataType.FLOAT32))
                .hasMessageContaining("'score.weight': shape [2, 32], expected [1, hidden]");
    }

    @Test
    void valueHeadWarmStartsFromTheRewardHead() {
        ScoreHead score = ScoreHead.create(m, 32, DataType.FLOAT32, 6);
        ValueHead value = ValueHead.create(m, 32, DataType.FLOAT32, 5);
        value.copyFrom(score);
        assertThat(value.weight().toFloatArray()).containsExactly(score.weight().toFloatArray());
        assertThat(value.bias().toFloatArray()).containsExactly(0f);
        assertThat(value.weight()).isNotSameAs(score.weight());
        assertThat(value.weight().hasGradient()).isTrue();
        try (NDScope s = new NDScope()) {
            assertThat(value.values(hidden).toFloatArray()).containsExactly(score.perToken(hidden).toFloatArray());
        }
        assertThatThrownBy(() -> value.copyFrom(ScoreHead.create(m, 16, DataType.FLOAT32, 1)))
                .hasMessageContaining("hidden size 16");
    }
}
