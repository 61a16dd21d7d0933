"""Follow-up tests use the punchout fixtures (a catalogue, a buyer system) to make real transfers."""

from followup.tests.fixtures import *
from punchout.tests.fixtures import *
