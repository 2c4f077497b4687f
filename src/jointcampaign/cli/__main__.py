"""`python -m jointcampaign.cli ...` runs the same command as `jointcampaign ...`."""

from jointcampaign.cli import main

main()
