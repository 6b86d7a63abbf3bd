"""``python -m research.datasets``: re-create the bundled demo export from its seed."""

from .bundled import regenerate_demo_export

if __name__ == "__main__":
    study = regenerate_demo_export()
    print(f"wrote {len(study.export)} respondents to the bundled demo study")
