import unittest

from checker import classify


class ClassifyTest(unittest.TestCase):
    def test_permissive(self):
        self.assertEqual(classify("MIT"), "permissive")
        self.assertEqual(classify("BSD-2-Clause"), "permissive")

    def test_copyleft(self):
        self.assertEqual(classify("GPL-3.0-or-later"), "copyleft")
        self.assertEqual(classify("LGPL-2.1-only"), "weak copyleft")
