"""sentiment_analyzer through the real tool process."""

import unittest

from tool_process import ToolProcess, tool_dir


class SentimentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tool = ToolProcess(tool_dir("sentiment_analyzer"))

    @classmethod
    def tearDownClass(cls):
        cls.tool.close()

    def score(self, text):
        r = self.tool.call({"text": text})
        self.assertTrue(r["ok"], r)
        return r["output"]

    def test_crypto_vocabulary(self):
        up = self.score("LFG, this gem is going to the moon, liquidity locked")
        self.assertEqual(up["label"], "positive")
        self.assertGreater(up["score"], 0.5)
        self.assertIn("to the moon", [t["term"] for t in up["terms"]])
        down = self.score("Total rug pull. Dev dumped on everyone, it's a honeypot")
        self.assertEqual(down["label"], "negative")
        self.assertLess(down["score"], -0.5)
        self.assertEqual(down["terms"][0]["term"], "rug pull")  # largest effect first
        self.assertEqual(self.score("The token launched on Tuesday")["label"], "neutral")
        self.assertEqual(self.score("")["score"], 0.0)

    def test_negation_flips_the_next_term_only(self):
        self.assertEqual(self.score("this is not a scam")["label"], "positive")
        self.assertEqual(self.score("it isn't good")["label"], "negative")
        self.assertEqual(self.score("don't buy")["label"], "negative")
        r = self.score("not bad, great")
        terms = {t["term"]: t["weight"] for t in r["terms"]}
        self.assertIn("not bad", terms)
        self.assertIn("great", terms)  # not negated: the negator was used up
        self.assertGreater(terms["great"], 0)

    def test_intensifiers_scale(self):
        plain = self.score("bullish")["score"]
        strong = self.score("extremely bullish")["score"]
        weak = self.score("slightly bullish")["score"]
        self.assertGreater(strong, plain)
        self.assertLess(weak, plain)
        self.assertGreater(weak, 0)

    def test_batch_and_bad_input(self):
        r = self.tool.call({"texts": ["great project", "scam", "hello"]})
        self.assertEqual([x["label"] for x in r["output"]["results"]], ["positive", "negative", "neutral"])
        for inp, field in [({}, "text"), ({"text": "a", "texts": []}, "text"), ({"text": 3}, "text"),
                           ({"texts": ["ok", None]}, "texts[1]"), ({"texts": "x"}, "texts"),
                           ({"text": "x" * 20001}, "text")]:
            r = self.tool.call(inp)
            self.assertFalse(r["ok"])
            self.assertEqual((r["error"]["code"], r["error"]["field"]), ("bad_input", field), inp)


if __name__ == "__main__":
    unittest.main()
